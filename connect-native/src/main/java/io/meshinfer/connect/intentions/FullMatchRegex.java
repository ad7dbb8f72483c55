package io.meshinfer.connect.intentions;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression compiled once, that must match the whole input: Envoy's safe_regex (RE2), which enforces
 * Consul's regex rules, matches that way. Unlike RE2, java.util.regex backtracks, so a pathological rule can be
 * slow on long input; rules come from operators, and request lines and headers are size-limited. Thread-safe: a
 * matcher is made per call.
 */
record FullMatchRegex(Pattern pattern) {

    static FullMatchRegex compile(String field, String regex) {
        try {
            return new FullMatchRegex(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new InvalidIntentionException(field, "is not a valid regular expression: " + e.getDescription());
        }
    }

    boolean matches(String input) {
        return pattern.matcher(input).matches();
    }
}
