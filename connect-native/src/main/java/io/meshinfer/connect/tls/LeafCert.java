package io.meshinfer.connect.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import io.meshinfer.connect.SpiffeId;

/**
 * Our own workload certificate: the leaf, the intermediates to present after it (after a CA rotation, the
 * cross-signed one), and its private key. Immutable.
 *
 * @param id    the SPIFFE ID in the leaf's URI SAN
 * @param chain leaf first, then intermediates
 * @param key   the leaf's private key; never logged ({@link #toString()} leaves it out)
 */
public record LeafCert(SpiffeId id, List<X509Certificate> chain, PrivateKey key) {

    public LeafCert {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a leaf certificate chain is empty");
        }
    }

    /**
     * A leaf from PEM text as Consul's leaf endpoint returns it ({@code CertPEM} may hold intermediates after the
     * leaf). Checks that the key belongs to the leaf and that the leaf carries one service SPIFFE ID.
     */
    public static LeafCert fromPem(String certPem, String keyPem) {
        List<X509Certificate> chain = Pem.certificates(certPem);
        PrivateKey key = Pem.privateKey(keyPem);
        requireKeyPair(chain.getFirst(), key);
        return new LeafCert(SpiffeIds.of(chain.getFirst()), chain, key);
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public Instant validAfter() {
        return certificate().getNotBefore().toInstant();
    }

    public Instant validBefore() {
        return certificate().getNotAfter().toInstant();
    }

    /** The serial as Consul prints it: lower-case hex pairs joined by colons. */
    public String serial() {
        return serialOf(certificate());
    }

    /** Any certificate's serial in the same form. */
    public static String serialOf(X509Certificate certificate) {
        return SpiffeIds.serial(certificate);
    }

    public boolean validAt(Instant now) {
        return !now.isBefore(validAfter()) && now.isBefore(validBefore());
    }

    @Override
    public String toString() {
        return "LeafCert[" + id + ", serial " + serial() + ", valid before " + validBefore() + "]";
    }

    // A signature round trip is the algorithm-independent way to check that a key matches a certificate.
    private static void requireKeyPair(X509Certificate leaf, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported leaf key algorithm " + key.getAlgorithm());
        };
        try {
            byte[] probe = "meshinfer key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("the private key does not belong to the leaf certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key does not belong to the leaf certificate", e);
        }
    }
}
