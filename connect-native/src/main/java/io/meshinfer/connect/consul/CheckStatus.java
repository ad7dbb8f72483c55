package io.meshinfer.connect.consul;

import java.util.Locale;

/** The states a TTL check can be set to. */
public enum CheckStatus {
    PASSING,
    WARNING,
    CRITICAL;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
