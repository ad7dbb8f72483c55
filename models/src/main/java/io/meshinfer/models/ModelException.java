package io.meshinfer.models;

/** A model directory cannot be served: a file is missing or malformed, or the graph is not one we understand. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
