package io.meshinfer.connect.intentions;

/**
 * Intentions that Consul would refuse to store, or that cannot be read. The message names the field the way the
 * JSON spells it, with its path ({@code Sources[1].Permissions[0].HTTP.PathExact doesn't start with '/'}), so it
 * can be logged as is; the last good {@link IntentionSet} stays in force.
 */
public final class InvalidIntentionException extends IllegalArgumentException {

    private final String field;
    private final String problem;

    InvalidIntentionException(String field, String problem) {
        super(field.isEmpty() ? problem : field + " " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The same problem, with the path of the object that holds the field put in front. */
    InvalidIntentionException within(String where) {
        if (where.isEmpty()) {
            return this;
        }
        InvalidIntentionException outer =
                new InvalidIntentionException(field.isEmpty() ? where : where + "." + field, problem);
        outer.setStackTrace(getStackTrace());
        return outer;
    }
}
