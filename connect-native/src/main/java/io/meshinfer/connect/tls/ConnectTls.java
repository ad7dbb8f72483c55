package io.meshinfer.connect.tls;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

import io.meshinfer.connect.SpiffeId;

/**
 * The TLS side of Connect: one server {@link SSLContext} built once, whose key and trust managers read the
 * current {@link IdentityState} at every handshake, so rotations need no reload; client contexts for dialling
 * another service; and the caller's proven identity for the per-request check. Thread-safe.
 */
public final class ConnectTls {
    /** TLS 1.3 suites, all AEAD. */
    private static final List<String> TLS13_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    /** For TLS 1.2 (only behind a flag): forward-secret ECDHE with AEAD ciphers and nothing else. */
    private static final List<String> TLS12_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final IdentityState state;
    private final PeerIdentities identities;
    private final SSLContext server;
    private final boolean allowTls12;
    private volatile RefusalListener refusals = (kind, detail) -> { };

    private ConnectTls(IdentityState state, ConnectionAuthorizer authorizer, boolean allowTls12) {
        CryptoProvider.installFastest();
        this.state = state;
        this.identities = new PeerIdentities(state);
        this.allowTls12 = allowTls12;
        this.server = context(new LeafKeyManager(state), PeerTrustManager.forServer(state, authorizer, identities,
                (kind, detail) -> refusals.refused(kind, detail)));
        // A resumed session skips the certificates: after a rotation, callers must meet the new material.
        state.onChange(this::forgetSessions);
    }

    /**
     * @param state      our leaf and the roots, updated by whoever watches them
     * @param authorizer the L4 decision taken inside each handshake
     * @param allowTls12 whether TLS 1.2 is accepted besides TLS 1.3
     */
    public static ConnectTls create(IdentityState state, ConnectionAuthorizer authorizer, boolean allowTls12) {
        return new ConnectTls(state, authorizer, allowTls12);
    }

    /** Who hears of refused handshakes (one listener; the last one set wins). */
    public void onRefusal(RefusalListener listener) {
        this.refusals = listener;
    }

    /** The context for the mTLS listener; the listener must require client certificates. */
    public SSLContext serverContext() {
        return server;
    }

    /** A context that presents our leaf and accepts only a server whose identity passes {@code expectedServer}. */
    public SSLContext clientContext(Predicate<SpiffeId> expectedServer) {
        return context(new LeafKeyManager(state), PeerTrustManager.forClient(state, expectedServer));
    }

    public List<String> protocols() {
        return allowTls12 ? List.of("TLSv1.3", "TLSv1.2") : List.of("TLSv1.3");
    }

    public List<String> cipherSuites() {
        if (!allowTls12) {
            return TLS13_SUITES;
        }
        return java.util.stream.Stream.concat(TLS13_SUITES.stream(), TLS12_SUITES.stream()).toList();
    }

    /**
     * Forgets every resumable server session, so that each caller's next connection runs a full handshake with
     * the current leaf, roots and L4 check. Runs when the identity material changes, and when the intentions do.
     * A resumption already under way during the sweep can still leave a session derived from an old one (the JDK
     * offers no hook to refuse it); its requests still meet the current rules in the per-request check.
     */
    public void forgetSessions() {
        SSLSessionContext sessions = server.getServerSessionContext();
        for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
            }
        }
    }

    /** The identity a caller proved with this certificate chain (from the request's TLS session). */
    public Optional<SpiffeId> caller(Certificate[] peerChain) {
        return identities.identify(peerChain);
    }

    private static SSLContext context(KeyManager keys, TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a TLS context", e);
        }
    }
}
