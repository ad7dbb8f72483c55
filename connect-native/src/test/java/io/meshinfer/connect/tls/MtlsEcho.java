package io.meshinfer.connect.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A plain-JDK mTLS server on a free loopback port that answers each line with the caller's proven identity and
 * the serial of the leaf it presented; and a client for it. Lets the TLS tests run real handshakes without
 * an HTTP server.
 */
final class MtlsEcho implements AutoCloseable {
    private final ConnectTls tls;
    private final SSLServerSocket socket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    MtlsEcho(ConnectTls tls) throws IOException {
        this.tls = tls;
        this.socket = (SSLServerSocket) tls.serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        socket.setNeedClientAuth(true);
        socket.setEnabledProtocols(tls.protocols().toArray(String[]::new));
        threads.submit(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** A connected client socket with the handshake done (throws when the server refuses it). */
    Connection connect(SSLContext client) throws IOException {
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 5000);
        s.setSoTimeout(5000);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return new Connection(s);
    }

    /** A client connection; {@link #ask()} fails when the server refused the handshake. */
    static final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final PrintWriter out;
        private final BufferedReader in;

        Connection(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** "caller-id server-leaf-serial", or an exception when the server dropped us. */
        String ask() throws IOException {
            out.println("who");
            String line = in.readLine();
            if (line == null) {
                throw new IOException("server closed the connection");
            }
            return line + " " + LeafCert.serialOf((java.security.cert.X509Certificate) socket.getSession()
                    .getPeerCertificates()[0]);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                SSLSocket connection = (SSLSocket) socket.accept();
                threads.submit(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket connection) {
        try (connection) {
            connection.startHandshake();
            var in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
            var out = new PrintWriter(new OutputStreamWriter(connection.getOutputStream(), StandardCharsets.UTF_8), true);
            while (in.readLine() != null) {
                out.println(tls.caller(connection.getSession().getPeerCertificates()).map(Object::toString)
                        .orElse("unknown"));
            }
        } catch (IOException e) {
            // A refused handshake ends here; the client sees it.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
