package io.meshinfer.connect;

import java.util.Objects;

/**
 * The answer to "may this caller do this?".
 *
 * @param allowed whether the connection or request may proceed
 * @param reason  why, in words fit for a log line or an error body; it names the rule's kind (an intention, a
 *                permission, the default policy), never the rule's contents
 */
public record Decision(boolean allowed, String reason) {

    public Decision {
        Objects.requireNonNull(reason, "reason");
    }

    public static Decision allow(String reason) {
        return new Decision(true, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(false, reason);
    }
}
