package io.meshinfer.server.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS listener's open connections, so that a request can learn that its caller hung up while it waited for the
 * models, which Helidon does not tell a handler. Give the listener {@link #listenerContext}; ask {@link #hangUp} for
 * a request's connection. An HTTP/2 stream reset that leaves the connection open is not seen: Helidon 4.2 only
 * marks the stream closed. Thread-safe.
 */
public final class CallerConnections {
    private final Map<SocketAddress, WatchedSocket> open = new ConcurrentHashMap<>();

    /**
     * A context that behaves as {@code tls} in every way (sessions, engines, client sockets), except that its
     * listening sockets accept {@linkplain WatchedSocket watched connections}.
     */
    public SSLContext listenerContext(SSLContext tls) {
        return new SSLContext(new Spi(tls), tls.getProvider(), tls.getProtocol()) {
        };
    }

    /**
     * Whether the caller at {@code remote} has hung up. Asking starts watching the connection while nobody reads
     * it. A connection this listener did not accept (the plain-HTTP listener's) never reports a hang-up.
     */
    public BooleanSupplier hangUp(SocketAddress remote) {
        WatchedSocket socket = open.get(remote);
        return socket == null ? () -> false : socket::hungUp;
    }

    /** Connections open now. */
    public int size() {
        return open.size();
    }

    void remember(WatchedSocket socket) {
        open.put(socket.getRemoteSocketAddress(), socket);
    }

    void forget(WatchedSocket socket) {
        SocketAddress remote = socket.getRemoteSocketAddress();
        if (remote != null) {
            open.remove(remote, socket);
        }
    }

    private final class Spi extends SSLContextSpi {
        private final SSLContext tls;

        Spi(SSLContext tls) {
            this.tls = tls;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("this context wraps one that is initialised already");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return tls.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new Factory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return tls.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return tls.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return tls.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return tls.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return tls.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return tls.getSupportedSSLParameters();
        }

        private final class Factory extends SSLServerSocketFactory {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                return new WatchingServerSocket(tls.getSocketFactory(), tls.getDefaultSSLParameters(),
                                                tls.getSupportedSSLParameters(), CallerConnections.this);
            }

            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                return createServerSocket(port, 0, null);
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                return createServerSocket(port, backlog, null);
            }

            // A null address is every interface, as for ServerSocket itself.
            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
                ServerSocket socket = createServerSocket();
                socket.bind(new InetSocketAddress(address, port), backlog);
                return socket;
            }

            @Override
            public String[] getDefaultCipherSuites() {
                return tls.getDefaultSSLParameters().getCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return tls.getSupportedSSLParameters().getCipherSuites();
            }
        }
    }
}
