package io.meshinfer.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How per-token vectors become one sentence vector (sentence-transformers' Pooling module modes). */
public enum Pooling {
    MEAN("mean"),
    CLS("cls"),
    MAX("max"),
    LAST_TOKEN("last_token");

    private final String label;

    Pooling(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * Parses a pooling name as written in flags and configuration ({@code mean}, {@code cls}, {@code max},
     * {@code last_token}; sentence-transformers' {@code lasttoken} is accepted too).
     */
    public static Pooling parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
        for (Pooling p : values()) {
            if (p.label.replace("_", "").equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + value + "'; accepted: "
                                                   + Arrays.stream(values()).map(Pooling::label)
                                                   .collect(Collectors.joining(", ")));
    }
}
