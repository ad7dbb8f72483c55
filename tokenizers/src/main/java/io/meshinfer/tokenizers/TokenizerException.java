package io.meshinfer.tokenizers;

/** The tokenizer could not turn an input into tokens, or could not be loaded. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
