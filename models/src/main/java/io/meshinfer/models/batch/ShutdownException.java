package io.meshinfer.models.batch;

/** The model is shutting down: its batcher takes no more inputs and drops the ones still queued. */
public final class ShutdownException extends RuntimeException {
    public ShutdownException(String model) {
        super("model " + model + " is shutting down");
    }
}
