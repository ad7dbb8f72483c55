package io.meshinfer.connect.intentions;

/** The verdict of an L4 intention or of an L7 permission. */
enum Action {
    ALLOW,
    DENY;

    /** Consul's spelling, lower case and exact. */
    static Action parse(String field, String value) {
        return switch (value) {
            case "allow" -> ALLOW;
            case "deny" -> DENY;
            default -> throw new InvalidIntentionException(field,
                    "must be \"allow\" or \"deny\", not \"" + value + "\"");
        };
    }
}
