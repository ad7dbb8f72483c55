package io.meshinfer.tokenizers;

/**
 * An input has more characters than the tokenizer takes ({@link TextTokenizer#maxCharacters()}) and the caller asked
 * not to truncate it, or cannot ({@code /tokenize}).
 */
public final class TextTooLongException extends TokenizerException {
    private final int characters;
    private final int maxCharacters;

    public TextTooLongException(int characters, int maxCharacters) {
        super("input must have less than " + (maxCharacters + 1) + " characters; given: " + characters);
        this.characters = characters;
        this.maxCharacters = maxCharacters;
    }

    public int characters() {
        return characters;
    }

    public int maxCharacters() {
        return maxCharacters;
    }
}
