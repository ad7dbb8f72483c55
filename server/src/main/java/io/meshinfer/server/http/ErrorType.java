package io.meshinfer.server.http;

/** TEI's {@code error_type} values, plus the ones a router adds for requests TEI's framework rejects itself. */
public enum ErrorType {
    VALIDATION("Validation", "invalid_request_error", "validation"),
    TOKENIZER("Tokenizer", "invalid_request_error", "tokenization"),
    BACKEND("Backend", "server_error", "inference"),
    /** A route for another kind of model (TEI answers it as a backend error: 424 {@code Backend}). */
    MODEL_TYPE("Backend", "invalid_request_error", "model_type"),
    OVERLOADED("Overloaded", "rate_limit_exceeded", "overloaded"),
    UNHEALTHY("Unhealthy", "server_error", "unhealthy"),
    /** The caller's deadline passed first (TEI has no deadlines, so no TEI value to follow). */
    TIMEOUT("Timeout", "timeout", "timeout"),
    /** The caller hung up before its answer was ready. */
    CLIENT_CLOSED("ClientClosed", "client_closed", "client_closed"),
    EMPTY("Empty", "invalid_request_error", "validation"),
    /** More inputs than {@code --max-client-batch-size}: TEI's {@code Validation}, counted as {@code batch_size}. */
    BATCH_SIZE("Validation", "invalid_request_error", "batch_size"),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", "invalid_request_error", "payload_too_large"),
    FORBIDDEN("Forbidden", "permission_error", "forbidden"),
    NOT_FOUND("NotFound", "not_found_error", "not_found"),
    METHOD_NOT_ALLOWED("MethodNotAllowed", "invalid_request_error", "method_not_allowed"),
    BAD_REQUEST("BadRequest", "invalid_request_error", "bad_request");

    private final String tei;
    private final String openAi;
    private final String metric;

    ErrorType(String tei, String openAi, String metric) {
        this.tei = tei;
        this.openAi = openAi;
        this.metric = metric;
    }

    /** The {@code err} label of {@code te_request_failure}, with TEI's values where TEI has one. */
    public String metric() {
        return metric;
    }

    /** The value of TEI's {@code error_type}. */
    public String tei() {
        return tei;
    }

    /** The value of OpenAI's {@code error.type}. */
    public String openAi() {
        return openAi;
    }
}
