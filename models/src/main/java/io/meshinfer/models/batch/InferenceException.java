package io.meshinfer.models.batch;

/** The graph call for a batch failed, or the batcher stopped before running it. */
public final class InferenceException extends RuntimeException {
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public InferenceException(String message) {
        super(message);
    }
}
