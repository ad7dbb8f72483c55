package io.meshinfer.tokenizers;

/**
 * A text whose code points are indexed once, so that the span of each of its tokens (offsets in code points, as
 * Python counts) is cut in constant time: cutting from the start of the string each time makes {@code /tokenize}
 * quadratic in the text's length.
 */
public final class IndexedText {
    private final String text;
    // The char index of each code point, and the text's length last; null when every code point is one char.
    private final int[] charIndex;

    private IndexedText(String text, int[] charIndex) {
        this.text = text;
        this.charIndex = charIndex;
    }

    public static IndexedText of(String text) {
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            return new IndexedText(text, null);
        }
        int[] index = new int[codePoints + 1];
        int c = 0;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            index[c++] = i;
        }
        index[codePoints] = text.length();
        return new IndexedText(text, index);
    }

    /** Code points {@code [start, end)}, each clamped to the text's end. */
    public String substring(int start, int end) {
        int last = codePoints();
        return text.substring(charIndex(Math.min(start, last)), charIndex(Math.min(end, last)));
    }

    public int codePoints() {
        return charIndex == null ? text.length() : charIndex.length - 1;
    }

    private int charIndex(int codePoint) {
        return charIndex == null ? codePoint : charIndex[codePoint];
    }
}
