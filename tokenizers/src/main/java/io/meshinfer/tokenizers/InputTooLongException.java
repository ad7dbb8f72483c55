package io.meshinfer.tokenizers;

/** An input has more tokens than the model accepts and the caller asked not to truncate it. */
public final class InputTooLongException extends TokenizerException {
    private final int tokens;
    private final int maxTokens;

    public InputTooLongException(int tokens, int maxTokens) {
        super("input must have less than " + (maxTokens + 1) + " tokens; given: " + tokens
                      + " (set \"truncate\": true to cut it)");
        this.tokens = tokens;
        this.maxTokens = maxTokens;
    }

    public int tokens() {
        return tokens;
    }

    public int maxTokens() {
        return maxTokens;
    }
}
