package io.meshinfer.connect.intentions;

/** How a permission tests the normalized request path: at most one way, as Consul allows. */
sealed interface PathMatch {

    boolean matches(String path);

    /** Consul's three optional fields, empty when unset. */
    static PathMatch of(String exact, String prefix, String regex) {
        int given = (exact.isEmpty() ? 0 : 1) + (prefix.isEmpty() ? 0 : 1) + (regex.isEmpty() ? 0 : 1);
        if (given > 1) {
            throw new InvalidIntentionException("",
                    "should only contain at most one of PathExact, PathPrefix, or PathRegex");
        }
        if (!exact.isEmpty()) {
            return new Exact(exact);
        }
        if (!prefix.isEmpty()) {
            return new Prefix(prefix);
        }
        return regex.isEmpty() ? new Any() : new Regex(FullMatchRegex.compile("PathRegex", regex));
    }

    record Any() implements PathMatch {
        @Override
        public boolean matches(String path) {
            return true;
        }
    }

    record Exact(String path) implements PathMatch {
        public Exact {
            requireAbsolute("PathExact", path);
        }

        @Override
        public boolean matches(String path) {
            return this.path.equals(path);
        }
    }

    /** A plain string prefix, as Envoy's: {@code /embed} also covers {@code /embeddings}. */
    record Prefix(String prefix) implements PathMatch {
        public Prefix {
            requireAbsolute("PathPrefix", prefix);
        }

        @Override
        public boolean matches(String path) {
            return path.startsWith(prefix);
        }
    }

    record Regex(FullMatchRegex regex) implements PathMatch {
        @Override
        public boolean matches(String path) {
            return regex.matches(path);
        }
    }

    private static void requireAbsolute(String field, String path) {
        if (!path.startsWith("/")) {
            throw new InvalidIntentionException(field, "doesn't start with '/': \"" + path + "\"");
        }
    }
}
