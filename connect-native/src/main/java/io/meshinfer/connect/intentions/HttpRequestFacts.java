package io.meshinfer.connect.intentions;

import java.util.List;
import java.util.Objects;

/**
 * What the L7 rules of an intention look at: the method, the normalized path and the headers. Built once per
 * request; it only holds references, so building it costs little. Immutable if the lookup is.
 *
 * @param method  as sent; compared with a permission's methods without folding case, as Envoy does
 * @param path    as returned by {@link RequestPath#normalize(String)}: rules never see a raw path
 * @param headers the request's headers
 */
public record HttpRequestFacts(String method, String path, HeaderLookup headers) {

    /** The request's headers, looked up by name. */
    @FunctionalInterface
    public interface HeaderLookup {
        /**
         * All values of a header in the order received; an empty list when it is absent. Names compare without
         * case.
         */
        List<String> values(String name);
    }

    public HttpRequestFacts {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path is not normalized; use RequestPath.normalize: " + path);
        }
    }

    /**
     * Facts for a request whose path is still raw (query allowed).
     *
     * @throws IllegalArgumentException if the path cannot be normalized; the request should then be refused
     */
    public static HttpRequestFacts of(String method, String rawPath, HeaderLookup headers) {
        return new HttpRequestFacts(method, RequestPath.normalize(rawPath), headers);
    }
}
