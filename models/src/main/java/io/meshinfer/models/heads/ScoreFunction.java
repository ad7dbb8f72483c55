package io.meshinfer.models.heads;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a classifier's logits become scores: the transformers pipeline's {@code function_to_apply}. */
public enum ScoreFunction {
    SOFTMAX,
    SIGMOID,
    /** The logits themselves (TEI's {@code raw_scores}). */
    NONE;

    /**
     * The function a model's own pipeline applies: a sigmoid per label for multi-label models and for a single
     * logit (a softmax over one value is always 1), a softmax otherwise.
     */
    public static ScoreFunction of(boolean multiLabel, int labels) {
        return multiLabel || labels == 1 ? SIGMOID : SOFTMAX;
    }

    /** The function by its pipeline name ({@code softmax}, {@code sigmoid}, {@code none}), if it is one. */
    public static Optional<ScoreFunction> named(String name) {
        return Arrays.stream(values()).filter(f -> f.pipelineName().equals(name)).findFirst();
    }

    public String pipelineName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
