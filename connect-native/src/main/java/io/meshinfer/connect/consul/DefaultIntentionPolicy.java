package io.meshinfer.connect.consul;

import java.util.Objects;

/**
 * What Consul decides for a connection no intention matches.
 *
 * @param allow  whether such a connection is allowed
 * @param source where the agent's answer came from, for log lines and decision reasons
 */
public record DefaultIntentionPolicy(boolean allow, String source) {

    public DefaultIntentionPolicy {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        return (allow ? "allow" : "deny") + " (" + source + ")";
    }
}
