package io.meshinfer.models.batch;

/** The model already has as many requests as it admits; the caller should retry later. */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(String model, int limit) {
        super("model " + model + " is overloaded: " + limit + " requests already in progress");
    }
}
