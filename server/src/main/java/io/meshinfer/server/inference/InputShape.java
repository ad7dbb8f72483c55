package io.meshinfer.server.inference;

/** Whether a request's JSON carries one input or a batch of them: the {@code method} label of TEI's request series. */
public enum InputShape {
    SINGLE,
    BATCH;

    /** The label's value: {@code single} or {@code batch}. */
    public String label() {
        return this == SINGLE ? "single" : "batch";
    }
}
