package io.meshinfer.connect;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The workload identity Consul's Connect CA puts in a leaf certificate's one URI SAN:
 * {@code spiffe://<trust-domain>[/ap/<partition>]/ns/<namespace>/dc/<datacenter>/svc/<service>}.
 *
 * <p>Only service identities are accepted; agent, mesh-gateway and signing IDs are refused, because only a
 * service can be the source of an intention. The partition is {@code "default"} when the URI omits it, as
 * Consul CE writes it. Immutable and thread-safe.
 */
public record SpiffeId(String trustDomain, String partition, String namespace, String datacenter, String service) {

    public static final String DEFAULT = "default";

    static final String NOT_SPIFFE = "not a spiffe:// URI";
    static final String NOT_A_SERVICE = "not a Consul service identity (/[ap/<partition>/]ns/<ns>/dc/<dc>/svc/<name>)";
    static final String HAS_EXTRAS = "a service identity has no port, user, query or fragment";

    // Consul names: DNS-label characters; the trust domain is a host name.
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");

    public SpiffeId {
        trustDomain = requireHost(trustDomain);
        partition = requireSegment("partition", partition);
        namespace = requireSegment("namespace", namespace);
        datacenter = requireSegment("datacenter", datacenter);
        service = requireSegment("service", service);
    }

    /** A service in the default partition. */
    public static SpiffeId service(String trustDomain, String namespace, String datacenter, String service) {
        return new SpiffeId(trustDomain, DEFAULT, namespace, datacenter, service);
    }

    /**
     * Parses a URI SAN.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static SpiffeId parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(NOT_SPIFFE + ": " + e.getReason());
        }
        if (!"spiffe".equalsIgnoreCase(parsed.getScheme()) || parsed.getRawAuthority() == null) {
            throw new IllegalArgumentException(NOT_SPIFFE);
        }
        if (parsed.getPort() != -1 || parsed.getRawUserInfo() != null || parsed.getRawQuery() != null
                || parsed.getRawFragment() != null || parsed.getHost() == null) {
            throw new IllegalArgumentException(HAS_EXTRAS);
        }
        // Raw path: an escaped "/" must not become a separator.
        String[] parts = parsed.getRawPath().split("/", -1);
        int at = 1;
        String partition = DEFAULT;
        if (parts.length == 9 && parts[0].isEmpty() && parts[1].equals("ap")) {
            partition = parts[2];
            at = 3;
        }
        if (parts.length != at + 6 || !parts[0].isEmpty() || !parts[at].equals("ns") || !parts[at + 2].equals("dc")
                || !parts[at + 4].equals("svc")) {
            throw new IllegalArgumentException(NOT_A_SERVICE);
        }
        try {
            return new SpiffeId(parsed.getHost(), partition, parts[at + 1], parts[at + 3], parts[at + 5]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NOT_A_SERVICE + ": " + e.getMessage());
        }
    }

    /** Whether this identity belongs to the given trust domain (host names compare without case). */
    public boolean inTrustDomain(String domain) {
        return trustDomain.equalsIgnoreCase(domain);
    }

    /** The URI form, with the {@code /ap/} segment only outside the default partition, as Consul writes it. */
    public String toUri() {
        String path = "/ns/" + namespace + "/dc/" + datacenter + "/svc/" + service;
        return "spiffe://" + trustDomain + (partition.equals(DEFAULT) ? "" : "/ap/" + partition) + path;
    }

    @Override
    public String toString() {
        return toUri();
    }

    private static String requireHost(String value) {
        if (value == null || !HOST.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid trust domain: " + value);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String requireSegment(String what, String value) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": " + value);
        }
        return value;
    }
}
