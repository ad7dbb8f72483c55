package io.meshinfer.connect.consul;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One endpoint of the agent's HTTP API: a path under {@code /v1/} and its query parameters. The factories name the
 * endpoints meshinfer watches. Immutable and thread-safe.
 *
 * @param path  absolute path, starting with {@code /v1/}
 * @param query query parameters, sent URL-encoded
 */
public record ConsulEndpoint(String path, Map<String, String> query) {

    // Names and IDs that go into a path segment: Consul's DNS-safe service names, plus ':' for check IDs.
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,255}");

    public ConsulEndpoint {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/v1/")) {
            throw new IllegalArgumentException("a Consul API path starts with /v1/: " + path);
        }
        query = Map.copyOf(query);
    }

    /** An endpoint without query parameters. */
    public static ConsulEndpoint of(String path) {
        return new ConsulEndpoint(path, Map.of());
    }

    /** The Connect CA roots the agent trusts (blocking; no ACL needed). */
    public static ConsulEndpoint caRoots() {
        return of("/v1/agent/connect/ca/roots");
    }

    /** The leaf certificate and key for {@code service} (blocking; needs {@code service:write}). */
    public static ConsulEndpoint leaf(String service) {
        return of("/v1/agent/connect/ca/leaf/" + segment("service", service));
    }

    /** The intentions whose destination is {@code service}, by precedence (blocking; needs intention read). */
    public static ConsulEndpoint intentionsFor(String service) {
        return new ConsulEndpoint("/v1/connect/intentions/match",
                Map.of("by", "destination", "name", segment("service", service)));
    }

    static String segment(String what, String value) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " for a Consul API path: " + value);
        }
        return value;
    }
}
