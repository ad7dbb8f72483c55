package io.meshinfer.connect.intentions;

import java.util.List;
import java.util.Objects;

/**
 * One header condition of a permission, matched the way Envoy matches the header matchers Consul generates
 * (agent/xds/rbac.go): a header sent several times is tested as its values joined by {@code ","}; an absent
 * header fails every test, and so also every inverted test except "not present".
 */
record HeaderMatch(String name, Test test, boolean invert) {

    HeaderMatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(test, "test");
        if (name.isEmpty()) {
            throw new InvalidIntentionException("Name", "is required");
        }
    }

    /** Consul's fields; strings are empty when unset. Exactly one of the tests must be given. */
    static HeaderMatch of(String name, boolean present, String exact, String prefix, String suffix, String regex,
                          boolean invert) {
        int given = (present ? 1 : 0) + (exact.isEmpty() ? 0 : 1) + (prefix.isEmpty() ? 0 : 1)
                + (suffix.isEmpty() ? 0 : 1) + (regex.isEmpty() ? 0 : 1);
        if (given != 1) {
            throw new InvalidIntentionException("",
                    "should only contain one of Present, Exact, Prefix, Suffix, or Regex");
        }
        Test test;
        if (present) {
            test = new Present();
        } else if (!exact.isEmpty()) {
            test = new Exact(exact);
        } else if (!prefix.isEmpty()) {
            test = new Prefix(prefix);
        } else if (!suffix.isEmpty()) {
            test = new Suffix(suffix);
        } else {
            test = new Regex(FullMatchRegex.compile("Regex", regex));
        }
        return new HeaderMatch(name, test, invert);
    }

    boolean matches(HttpRequestFacts.HeaderLookup headers) {
        List<String> values = headers.values(name);
        if (values.isEmpty()) {
            return invert && test instanceof Present;
        }
        String value = values.size() == 1 ? values.getFirst() : String.join(",", values);
        return test.matches(value) != invert;
    }

    sealed interface Test {
        boolean matches(String value);
    }

    record Present() implements Test {
        @Override
        public boolean matches(String value) {
            return true;
        }
    }

    record Exact(String value) implements Test {
        @Override
        public boolean matches(String value) {
            return this.value.equals(value);
        }
    }

    record Prefix(String prefix) implements Test {
        @Override
        public boolean matches(String value) {
            return value.startsWith(prefix);
        }
    }

    record Suffix(String suffix) implements Test {
        @Override
        public boolean matches(String value) {
            return value.endsWith(suffix);
        }
    }

    record Regex(FullMatchRegex regex) implements Test {
        @Override
        public boolean matches(String value) {
            return regex.matches(value);
        }
    }
}
