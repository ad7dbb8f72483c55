package io.meshinfer.models.batch;

/** Observes a batcher for metrics. Called on the batch thread: implementations must be quick and not block. */
public interface BatchListener {
    /** A listener that records nothing. */
    BatchListener NONE = new BatchListener() {
    };

    /**
     * One graph call finished.
     *
     * @param model          the model's name
     * @param inputs         inputs in the batch
     * @param tokens         the inputs' own tokens
     * @param paddedTokens   inputs × padded length: what the graph computed
     * @param inferenceNanos time spent in the graph
     */
    default void batchDone(String model, int inputs, int tokens, int paddedTokens, long inferenceNanos) {
    }

    /** An input was dropped before inference because its caller had stopped waiting. */
    default void inputDropped(String model) {
    }
}
