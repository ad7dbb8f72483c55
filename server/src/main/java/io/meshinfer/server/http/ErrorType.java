package io.meshinfer.server.http;

/** TEI's {@code error_type} values, plus the ones a router adds for requests TEI's framework rejects itself. */
public enum ErrorType {
    VALIDATION("Validation", "invalid_request_error"),
    TOKENIZER("Tokenizer", "invalid_request_error"),
    BACKEND("Backend", "server_error"),
    OVERLOADED("Overloaded", "rate_limit_exceeded"),
    UNHEALTHY("Unhealthy", "server_error"),
    EMPTY("Empty", "invalid_request_error"),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", "invalid_request_error"),
    NOT_FOUND("NotFound", "not_found_error"),
    METHOD_NOT_ALLOWED("MethodNotAllowed", "invalid_request_error"),
    BAD_REQUEST("BadRequest", "invalid_request_error");

    private final String tei;
    private final String openAi;

    ErrorType(String tei, String openAi) {
        this.tei = tei;
        this.openAi = openAi;
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
