package io.meshinfer.connect.intentions;

import java.util.Objects;

/**
 * One L7 rule of an intention: when the request fits {@code http}, {@code action} decides. A permission that
 * requires a JWT denies the requests it matches: this server does not check tokens, so it fails closed.
 */
record Permission(Action action, HttpMatch http, boolean requiresJwt) {

    Permission {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(http, "http");
    }
}
