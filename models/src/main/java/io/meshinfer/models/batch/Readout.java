package io.meshinfer.models.batch;

import io.meshinfer.models.ModelDescription;

/** Which of a graph's outputs an input is run for. */
public enum Readout {
    /** The output the model's task reads ({@link ModelDescription#output()}). */
    TASK,
    /** The per-token vectors ({@link ModelDescription#tokenOutput()}), as {@code /embed_all} answers them. */
    TOKENS
}
