package io.meshinfer.connect.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;

import java.util.concurrent.ConcurrentHashMap;

import io.meshinfer.connect.SpiffeId;

/**
 * The identities proven in handshakes, by leaf certificate. The per-request check and a caller's next handshake
 * read the SPIFFE ID here instead of validating the chain again, as long as the trust material is the one it
 * was validated against and the leaf is still within its validity: the same leaf bytes under the same anchors
 * validate the same way, and each handshake still proves the key. So a caller whose leaf expires, or whose root
 * is withdrawn, is refused on its next request even on an open connection. A leaf this map does not know is
 * verified in full. Thread-safe.
 */
final class PeerIdentities {
    private static final int CAPACITY = 10_000;

    private record Proof(SpiffeId id, long generation) {
    }

    private final IdentityState state;
    private final Map<X509Certificate, Proof> proven = new ConcurrentHashMap<>();

    PeerIdentities(IdentityState state) {
        this.state = state;
    }

    /** Verifies a peer's chain, or recalls that this leaf was verified under the same material. */
    SpiffeId verify(X509Certificate[] chain, TlsMaterial material, PeerVerifier.Role role)
            throws CertificateException {
        SpiffeId known = chain == null || chain.length == 0 ? null : recall(chain[0], material);
        if (known != null) {
            return known;
        }
        SpiffeId id = PeerVerifier.verify(chain, material, role);
        remember(chain[0], id, material.generation());
        return id;
    }

    /** The identity a request's caller proved, if it still holds under the current material. */
    Optional<SpiffeId> identify(Certificate[] chain) {
        TlsMaterial material = state.current();
        if (material == null || chain == null || chain.length == 0
                || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        try {
            SpiffeId known = recall(leaf, material);
            if (known != null) {
                return Optional.of(known);
            }
        } catch (CertificateException expired) {
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
            return Optional.of(verify(x509, material, PeerVerifier.Role.CLIENT));
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }

    // The identity proven for this leaf under this material, or null; throws once the leaf has expired, the one
    // thing that changes with the same bytes.
    private SpiffeId recall(X509Certificate leaf, TlsMaterial material) throws CertificateException {
        Proof proof = proven.get(leaf);
        if (proof == null || proof.generation() != material.generation()) {
            return null;
        }
        leaf.checkValidity();
        return proof.id();
    }

    private void remember(X509Certificate leaf, SpiffeId id, long generation) {
        if (proven.size() >= CAPACITY) {
            // Leaves rotate every few days; dropping everything now and then is cheaper than tracking age.
            proven.clear();
        }
        proven.put(leaf, new Proof(id, generation));
    }
}
