package io.meshinfer.server.config;

import java.util.Locale;
import java.util.function.Function;

/** Checks for raw setting values; each failure names the accepted values. */
final class Validators {
    private Validators() {
    }

    static Function<String, String> integer(long min, long max) {
        return raw -> {
            long value;
            try {
                value = Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected an integer from " + min + " to " + max);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected an integer from " + min + " to " + max);
            }
            return Long.toString(value);
        };
    }

    static Function<String, String> port() {
        return integer(0, 65535);
    }

    static Function<String, String> bool() {
        return raw -> switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> "true";
            case "false", "0", "no", "off" -> "false";
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    static Function<String, String> oneOf(String... accepted) {
        return raw -> {
            String value = raw.trim().toLowerCase(Locale.ROOT);
            for (String a : accepted) {
                if (a.equals(value)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ", accepted));
        };
    }

    static Function<String, String> nonEmpty() {
        return raw -> {
            if (raw.isBlank()) {
                throw new IllegalArgumentException("expected a non-empty value");
            }
            return raw.trim();
        };
    }

    static Function<String, String> any() {
        return String::trim;
    }

    /** A per-model value, {@code NAME=VALUE} for one model or a bare value for all; {@code value} checks the value. */
    static Function<String, String> perModel(Function<String, String> value) {
        return raw -> {
            int eq = raw.indexOf('=');
            return eq < 0 ? value.apply(raw) : raw.substring(0, eq).trim() + "=" + value.apply(raw.substring(eq + 1));
        };
    }

    /** A Consul service name: what a SPIFFE ID and a DNS label accept. */
    static Function<String, String> serviceName() {
        return raw -> {
            if (!raw.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException("expected lower-case letters, digits and '-' (a DNS label)");
            }
            return raw;
        };
    }
}
