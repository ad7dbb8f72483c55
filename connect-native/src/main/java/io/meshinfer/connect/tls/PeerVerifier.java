package io.meshinfer.connect.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.meshinfer.connect.SpiffeId;

/**
 * Proves a peer's identity: its chain leads to one of the current roots, its leaf is an end-entity certificate
 * fit for the peer's role, and its one URI SAN is a service SPIFFE ID in our trust domain. No host name checks:
 * in the mesh the SPIFFE ID is the name. Stateless and thread-safe.
 */
final class PeerVerifier {
    // KeyUsage bit 0: digitalSignature, needed to sign the TLS 1.3 CertificateVerify.
    private static final int DIGITAL_SIGNATURE = 0;
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    /** The role the peer plays in the handshake. */
    enum Role {
        CLIENT(CLIENT_AUTH), SERVER(SERVER_AUTH);

        private final String extendedKeyUsage;

        Role(String extendedKeyUsage) {
            this.extendedKeyUsage = extendedKeyUsage;
        }
    }

    private PeerVerifier() {
    }

    static SpiffeId verify(X509Certificate[] chain, TlsMaterial material, Role role) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no peer certificate");
        }
        X509Certificate leaf = chain[0];
        requireEndEntity(leaf, role);
        validatePath(chain, material);
        SpiffeId id;
        try {
            id = SpiffeIds.of(leaf);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("peer identity: " + e.getMessage());
        }
        if (!id.inTrustDomain(material.roots().trustDomain())) {
            throw new CertificateException("peer " + id + " is not in trust domain " + material.roots().trustDomain());
        }
        return id;
    }

    private static void requireEndEntity(X509Certificate leaf, Role role) throws CertificateException {
        if (leaf.getBasicConstraints() != -1) {
            throw new CertificateException("peer presented a CA certificate as its leaf");
        }
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && !keyUsage[DIGITAL_SIGNATURE]) {
            throw new CertificateException("peer leaf does not allow digital signatures");
        }
        List<String> extended = leaf.getExtendedKeyUsage();
        if (extended != null && !extended.contains(role.extendedKeyUsage)) {
            throw new CertificateException("peer leaf is not meant for " + role.name().toLowerCase(java.util.Locale.ROOT) + " authentication");
        }
    }

    private static void validatePath(X509Certificate[] chain, TlsMaterial material) throws CertificateException {
        // A path ends below its anchor: drop any certificate the peer sent that is itself one of our roots.
        List<X509Certificate> path = new ArrayList<>(chain.length);
        for (X509Certificate certificate : chain) {
            if (!isAnchor(certificate, material)) {
                path.add(certificate);
            }
        }
        if (path.isEmpty()) {
            throw new CertificateException("peer presented only a root certificate");
        }
        try {
            PKIXParameters parameters = new PKIXParameters(material.anchors());
            // Consul's CA publishes no CRL or OCSP; short-lived leaves are its answer to revocation.
            parameters.setRevocationEnabled(false);
            parameters.setDate(new Date());
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("peer chain does not lead to a trusted root: " + e.getMessage(), e);
        }
    }

    private static boolean isAnchor(X509Certificate certificate, TlsMaterial material) {
        for (TrustAnchor anchor : material.anchors()) {
            if (anchor.getTrustedCert().equals(certificate)) {
                return true;
            }
        }
        return false;
    }
}
