package io.meshinfer.connect.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;

/**
 * Verifies the peer against the current roots at handshake time. On the server side it then asks the L4
 * question, and a denied caller fails the handshake; on the client side it checks that the server is the
 * service we meant to reach. Thread-safe: it reads one {@link TlsMaterial} per handshake.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {
    private final IdentityState state;
    private final ConnectionAuthorizer authorizer;
    private final Predicate<SpiffeId> expectedServer;
    private final PeerIdentities identities;
    private final RefusalListener refusals;

    private PeerTrustManager(IdentityState state, ConnectionAuthorizer authorizer, Predicate<SpiffeId> expectedServer,
                             PeerIdentities identities, RefusalListener refusals) {
        this.state = state;
        this.authorizer = authorizer;
        this.expectedServer = expectedServer;
        this.identities = identities;
        this.refusals = refusals;
    }

    static PeerTrustManager forServer(IdentityState state, ConnectionAuthorizer authorizer, PeerIdentities identities,
                                      RefusalListener refusals) {
        return new PeerTrustManager(state, authorizer, id -> false, identities, refusals);
    }

    static PeerTrustManager forClient(IdentityState state, Predicate<SpiffeId> expectedServer) {
        return new PeerTrustManager(state, null, expectedServer, new PeerIdentities(state), (kind, detail) -> { });
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (authorizer == null) {
            throw new CertificateException("this context only dials; it does not accept callers");
        }
        SpiffeId caller;
        try {
            caller = identities.verify(chain, material(), PeerVerifier.Role.CLIENT);
        } catch (CertificateException e) {
            refusals.refused("untrusted", e.getMessage());
            throw e;
        }
        Decision decision = authorizer.authorize(caller);
        if (!decision.allowed()) {
            refusals.refused("denied", caller + ": " + decision.reason());
            throw new CertificateException(caller.service() + " refused: " + decision.reason());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        SpiffeId server = identities.verify(chain, material(), PeerVerifier.Role.SERVER);
        if (!expectedServer.test(server)) {
            throw new CertificateException("server " + server + " is not the service we dialled");
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        TlsMaterial material = state.current();
        return material == null ? new X509Certificate[0] : material.roots().roots().toArray(X509Certificate[]::new);
    }

    private TlsMaterial material() throws CertificateException {
        TlsMaterial material = state.current();
        if (material == null) {
            throw new CertificateException("no CA roots yet");
        }
        return material;
    }
}
