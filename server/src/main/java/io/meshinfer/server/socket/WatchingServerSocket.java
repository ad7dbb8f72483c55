package io.meshinfer.server.socket;

import java.io.IOException;
import java.net.Socket;
import java.util.function.Consumer;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS listening socket that accepts plain {@link WatchedSocket}s and layers TLS over each with the context's
 * socket factory, applying the parameters it was given (protocols, suites, client authentication, ALPN). The TLS
 * stack then reads through the watched input, so a caller's hang-up can be seen under TLS too.
 */
final class WatchingServerSocket extends SSLServerSocket {
    private final SSLSocketFactory layering;
    private final SSLParameters supported;
    private final CallerConnections registry;
    private volatile SSLParameters parameters;
    private volatile boolean sessionCreation = true;

    WatchingServerSocket(SSLSocketFactory layering, SSLParameters defaults, SSLParameters supported,
                         CallerConnections registry) throws IOException {
        this.layering = layering;
        this.supported = supported;
        this.registry = registry;
        this.parameters = defaults;
    }

    @Override
    public Socket accept() throws IOException {
        WatchedSocket plain = new WatchedSocket(registry);
        implAccept(plain);
        try {
            SSLSocket tls = (SSLSocket) layering.createSocket(plain, null, true);
            tls.setSSLParameters(parameters);
            tls.setEnableSessionCreation(sessionCreation);
            registry.remember(plain);
            return tls;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public SSLParameters getSSLParameters() {
        return copy(parameters);
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        parameters = copy(params);
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return parameters.getCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        update(p -> p.setCipherSuites(suites));
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return supported.getCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
        return supported.getProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return parameters.getProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        update(p -> p.setProtocols(protocols));
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        update(p -> p.setNeedClientAuth(need));
    }

    @Override
    public boolean getNeedClientAuth() {
        return parameters.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        update(p -> p.setWantClientAuth(want));
    }

    @Override
    public boolean getWantClientAuth() {
        return parameters.getWantClientAuth();
    }

    @Override
    public void setUseClientMode(boolean clientMode) {
        if (clientMode) {
            throw new IllegalArgumentException("a listening socket accepts in server mode only");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return false;
    }

    @Override
    public void setEnableSessionCreation(boolean enabled) {
        sessionCreation = enabled;
    }

    @Override
    public boolean getEnableSessionCreation() {
        return sessionCreation;
    }

    private synchronized void update(Consumer<SSLParameters> change) {
        SSLParameters next = copy(parameters);
        change.accept(next);
        parameters = next;
    }

    // SSLParameters is mutable; a copy keeps the caller's later changes out.
    private static SSLParameters copy(SSLParameters p) {
        SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        if (p.getNeedClientAuth()) {
            c.setNeedClientAuth(true);
        } else if (p.getWantClientAuth()) {
            c.setWantClientAuth(true);
        }
        c.setAlgorithmConstraints(p.getAlgorithmConstraints());
        c.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
        c.setServerNames(p.getServerNames());
        c.setSNIMatchers(p.getSNIMatchers());
        c.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
        c.setEnableRetransmissions(p.getEnableRetransmissions());
        c.setMaximumPacketSize(p.getMaximumPacketSize());
        c.setApplicationProtocols(p.getApplicationProtocols());
        c.setSignatureSchemes(p.getSignatureSchemes());
        c.setNamedGroups(p.getNamedGroups());
        return c;
    }
}
