package io.meshinfer.connect.tls;

import java.net.URI;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The trust anchors of one trust domain: every root the CA currently lists, active or not, because during a
 * rotation callers still present leaves issued under the old root. Immutable.
 *
 * @param trustDomain the host part every accepted SPIFFE ID must have
 * @param roots       the root certificates
 */
public record CaRoots(String trustDomain, List<X509Certificate> roots) {

    public CaRoots {
        if (trustDomain == null || trustDomain.isBlank()) {
            throw new IllegalArgumentException("CA roots have no trust domain");
        }
        trustDomain = trustDomain.toLowerCase(Locale.ROOT);
        roots = List.copyOf(roots);
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("CA roots list no certificate");
        }
    }

    /**
     * The body of Consul's {@code /v1/agent/connect/ca/roots}: {@code TrustDomain} and {@code Roots[].RootCert}.
     */
    public static CaRoots fromConsul(JsonNode body) {
        String trustDomain = body.path("TrustDomain").asText("");
        List<X509Certificate> roots = new ArrayList<>();
        for (JsonNode root : body.path("Roots")) {
            String pem = root.path("RootCert").asText("");
            if (pem.isEmpty()) {
                throw new IllegalArgumentException("a CA root has no RootCert");
            }
            roots.addAll(Pem.certificates(pem));
        }
        return new CaRoots(trustDomain, roots);
    }

    /** The trust domain a CA root names in its URI SAN, {@code spiffe://<trust-domain>}, as Consul writes it. */
    public static String trustDomainOf(X509Certificate root) {
        String uri = SpiffeIds.uri(root);
        String host = uri.startsWith("spiffe://") ? URI.create(uri).getHost() : null;
        if (host == null) {
            throw new IllegalArgumentException("the CA root's URI SAN is not spiffe://<trust-domain>: " + uri);
        }
        return host;
    }

    Set<TrustAnchor> anchors() {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate root : roots) {
            anchors.add(new TrustAnchor(root, null));
        }
        return anchors;
    }

    @Override
    public String toString() {
        return "CaRoots[" + trustDomain + ", " + roots.size() + " root(s)]";
    }
}
