package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP part of a permission: a path test, a set of methods (none means any) and header tests, all of which
 * must hold.
 */
record HttpMatch(PathMatch path, List<String> methods, List<HeaderMatch> headers) {

    // Go's net/http method constants, which Consul accepts (agent/structs/config_entry_discoverychain.go).
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");

    HttpMatch {
        Objects.requireNonNull(path, "path");
        methods = upperCaseKnownMethods(methods);
        headers = List.copyOf(headers);
        if (path instanceof PathMatch.Any && methods.isEmpty() && headers.isEmpty()) {
            throw new InvalidIntentionException("", "should not be empty");
        }
    }

    boolean matches(HttpRequestFacts request) {
        if (!path.matches(request.path())) {
            return false;
        }
        if (!methods.isEmpty() && !methods.contains(request.method())) {
            return false;
        }
        for (HeaderMatch header : headers) {
            if (!header.matches(request.headers())) {
                return false;
            }
        }
        return true;
    }

    // Consul upper-cases methods before it validates them, so "get" is stored as "GET".
    private static List<String> upperCaseKnownMethods(List<String> methods) {
        List<String> upper = new ArrayList<>(methods.size());
        for (String method : methods) {
            String m = method.toUpperCase(Locale.ROOT);
            if (!KNOWN_METHODS.contains(m)) {
                throw new InvalidIntentionException("Methods", "contains an invalid method \"" + method + "\"");
            }
            if (upper.contains(m)) {
                throw new InvalidIntentionException("Methods", "contains \"" + m + "\" more than once");
            }
            upper.add(m);
        }
        return List.copyOf(upper);
    }
}
