package io.meshinfer.tokenizers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Spans in code points, as Hugging Face's offsets count them, cut out of Java's UTF-16 strings. */
class IndexedTextTest {
    @Test
    void aTextOfOneCharPerCodePointIsCutByCharIndex() {
        IndexedText text = IndexedText.of("hello world");
        assertEquals(11, text.codePoints());
        assertEquals("world", text.substring(6, 11));
    }

    @Test
    void aCodePointOutsideTheBasicPlaneCountsOnce() {
        IndexedText text = IndexedText.of("a\uD83D\uDE00b caf\u00e9");
        assertEquals(8, text.codePoints());
        assertEquals("\uD83D\uDE00", text.substring(1, 2));
        assertEquals("b", text.substring(2, 3));
        assertEquals("caf\u00e9", text.substring(4, 8));
    }

    @Test
    void spansPastTheEndAreClamped() {
        assertEquals("lo", IndexedText.of("hello").substring(3, 40));
        assertEquals("", IndexedText.of("a\uD83D\uDE00").substring(5, 9));
    }
}
