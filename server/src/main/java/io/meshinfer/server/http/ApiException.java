package io.meshinfer.server.http;

import io.helidon.http.Status;

import io.meshinfer.tokenizers.InputTooLongException;
import io.meshinfer.tokenizers.TextTooLongException;
import io.meshinfer.tokenizers.TokenizerException;

/**
 * A request that cannot be served, with the HTTP status and TEI error type to answer with.
 *
 * @see ErrorType
 */
public final class ApiException extends RuntimeException {
    private final Status status;
    private final ErrorType type;
    private final String param;

    public ApiException(Status status, ErrorType type, String message) {
        this(status, type, message, null);
    }

    /** @param param the request field at fault, reported on OpenAI routes; may be null */
    public ApiException(Status status, ErrorType type, String message, String param) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    public static ApiException validation(String message) {
        return new ApiException(Status.UNPROCESSABLE_CONTENT_422, ErrorType.VALIDATION, message);
    }

    public static ApiException validation(String param, String message) {
        return new ApiException(Status.UNPROCESSABLE_CONTENT_422, ErrorType.VALIDATION, message, param);
    }

    /** An empty input, which TEI answers with 400 {@code Empty}. */
    public static ApiException empty(String param, String message) {
        return new ApiException(Status.BAD_REQUEST_400, ErrorType.EMPTY, message, param);
    }

    /**
     * An input the tokenizer refused: too long (more tokens or characters than the model takes, without truncation)
     * is a validation error, anything else a tokenizer error; both 422, as TEI answers them.
     */
    public static ApiException tokenizer(TokenizerException e) {
        if (e instanceof InputTooLongException || e instanceof TextTooLongException) {
            return validation(e.getMessage());
        }
        return new ApiException(Status.UNPROCESSABLE_CONTENT_422, ErrorType.TOKENIZER, e.getMessage());
    }

    /** A route this kind of model does not serve: 424, as TEI answers it. */
    public static ApiException wrongModelType(String message) {
        return new ApiException(Status.FAILED_DEPENDENCY_424, ErrorType.MODEL_TYPE, message);
    }

    public Status status() {
        return status;
    }

    public ErrorType type() {
        return type;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }
}
