package io.meshinfer.connect.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.meshinfer.connect.SpiffeId;

/**
 * The identities proven in handshakes, by leaf certificate, so that the per-request check reads the caller's
 * SPIFFE ID without parsing its certificate again. A leaf the map does not know (evicted, or a session resumed
 * from a ticket) is verified again in full. Thread-safe.
 */
final class PeerIdentities {
    private static final int CAPACITY = 10_000;

    private final IdentityState state;
    private final Map<X509Certificate, SpiffeId> proven = new ConcurrentHashMap<>();

    PeerIdentities(IdentityState state) {
        this.state = state;
    }

    void remember(X509Certificate leaf, SpiffeId id) {
        if (proven.size() >= CAPACITY) {
            // Leaves rotate every few days; dropping everything now and then is cheaper than tracking age.
            proven.clear();
        }
        proven.put(leaf, id);
    }

    Optional<SpiffeId> identify(Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        SpiffeId known = proven.get(leaf);
        if (known != null) {
            return Optional.of(known);
        }
        TlsMaterial material = state.current();
        if (material == null) {
            return Optional.empty();
        }
        X509Certificate[] x509 = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            if (!(chain[i] instanceof X509Certificate certificate)) {
                return Optional.empty();
            }
            x509[i] = certificate;
        }
        try {
            SpiffeId id = PeerVerifier.verify(x509, material, PeerVerifier.Role.CLIENT);
            remember(leaf, id);
            return Optional.of(id);
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }
}
