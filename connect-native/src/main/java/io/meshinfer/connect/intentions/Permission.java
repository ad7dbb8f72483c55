package io.meshinfer.connect.intentions;

import java.util.Objects;

/**
 * One L7 rule of an intention: when the request fits {@code http}, {@code action} decides. A permission that
 * requires a JWT can only deny for now: JWT validation is not implemented.
 */
record Permission(Action action, HttpMatch http, boolean requiresJwt) {

    Permission {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(http, "http");
    }
}
