package io.meshinfer.tokenizers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTokenizerTest {
    private static final long CLS = 101;
    private static final long SEP = 102;

    @TempDir
    static Path dir;
    static TextTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        try (InputStream in = TextTokenizerTest.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, file);
        }
        tokenizer = TextTokenizer.load(file, 8);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void addsSpecialTokensAroundTheText() {
        Encoding e = tokenizer.encode("hello world", false, TruncationDirection.RIGHT);
        assertArrayEquals(new long[] {CLS, 7592, 2088, SEP}, e.ids());
        assertArrayEquals(new boolean[] {true, false, false, true}, e.special());
        assertArrayEquals(new int[] {-1, 0, 0, -1}, e.sequenceIds());
    }

    @Test
    void ignoresTheTruncationAndPaddingWrittenInTokenizerJson() {
        // The bundled tokenizer.json pads and truncates to 128; the model's own limit must win.
        Encoding e = tokenizer.encodeRaw("word ".repeat(200), true);
        assertEquals(202, e.length());
    }

    @Test
    void refusesAnOverLongInputWithItsRealLengthWhenNotTruncating() {
        InputTooLongException e = assertThrows(InputTooLongException.class,
                () -> tokenizer.encode("one two three four five six seven", false, TruncationDirection.RIGHT));
        assertEquals(9, e.tokens());
        assertEquals(8, e.maxTokens());
    }

    @Test
    void truncatesFromTheRightKeepingSpecialTokens() {
        Encoding e = tokenizer.encode("one two three four five six seven eight", true, TruncationDirection.RIGHT);
        assertEquals(8, e.length());
        assertEquals(CLS, e.ids()[0]);
        assertEquals(SEP, e.ids()[7]);
        assertEquals("one", e.tokens()[1]);
        assertEquals("six", e.tokens()[6]);
    }

    @Test
    void truncatesFromTheLeftKeepingTheEnd() {
        Encoding e = tokenizer.encode("one two three four five six seven eight", true, TruncationDirection.LEFT);
        assertEquals(8, e.length());
        assertEquals(CLS, e.ids()[0]);
        assertEquals("three", e.tokens()[1]);
        assertEquals("eight", e.tokens()[6]);
        assertEquals(SEP, e.ids()[7]);
    }

    @Test
    void pairsTruncateTheLongerTextFirst() {
        Encoding e = tokenizer.encodePair("short query", "one two three four five six", true,
                                          TruncationDirection.RIGHT);
        // The second text gave up tokens until the pair fit; the shorter first text kept all of its own.
        assertEquals(8, e.length());
        assertEquals("[CLS] short query [SEP] one two three [SEP]", String.join(" ", e.tokens()));
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1, 1}, e.typeIds());
        assertArrayEquals(new int[] {-1, 0, 0, -1, 1, 1, 1, -1}, e.sequenceIds());
    }

    @Test
    void theGraphOnlyEncodingHasTheSameIdsTypesAndTruncationAsTheFullOne() {
        String[] texts = {"hello world", "Héllo, wörld! 😀", "one two three four five six seven eight"};
        for (String text : texts) {
            for (TruncationDirection direction : TruncationDirection.values()) {
                Encoding full = tokenizer.encode(text, true, direction);
                Encoding ids = tokenizer.encodeIds(text, true, direction);
                assertArrayEquals(full.ids(), ids.ids(), text);
                assertArrayEquals(full.typeIds(), ids.typeIds(), text);
                assertArrayEquals(full.special(), ids.special(), text);
                assertArrayEquals(full.sequenceIds(), ids.sequenceIds(), text);
            }
        }
        InputTooLongException e = assertThrows(InputTooLongException.class,
                () -> tokenizer.encodeIds("one two three four five six seven", false, TruncationDirection.RIGHT));
        assertEquals(9, e.tokens());
    }

    @Test
    void whenBothTextsMustBeCutTheyShareTheBudgetAsHuggingFacesLongestFirstDoes() {
        // Expected tokens from Hugging Face's tokenizers 0.22 (enable_truncation(8, strategy="longest_first")).
        assertEquals("[CLS] one two [SEP] five six seven [SEP]", pair("one two three four",
                                                                     "five six seven eight nine ten eleven twelve"));
        assertEquals("[CLS] one two three [SEP] nine ten [SEP]", pair("one two three four five six seven eight",
                                                                     "nine ten eleven twelve"));
        assertEquals("[CLS] one two [SEP] four five six [SEP]", pair("one two three", "four five six"),
                     "on a tie the second text keeps the odd token");
        Encoding left = tokenizer.encodePair("one two three four", "five six seven eight nine ten eleven twelve",
                                             true, TruncationDirection.LEFT);
        assertEquals("[CLS] three four [SEP] ten eleven twelve [SEP]", String.join(" ", left.tokens()));
    }

    private static String pair(String first, String second) {
        return String.join(" ", tokenizer.encodePair(first, second, true, TruncationDirection.RIGHT).tokens());
    }

    @Test
    void anUnknownTokenShowsTheTextItStandsForAsTheTokenClassificationPipelineWritesIt() {
        String text = "Johnny saw \u2603 in Paris";
        Encoding e = tokenizer.encodeRaw(text, true);
        int unknown = Arrays.asList(e.tokens()).indexOf("[UNK]");
        assertTrue(unknown > 0, "the snowman is not in the vocabulary: " + Arrays.toString(e.tokens()));
        TokenText words = tokenizer.tokenText(e, text);
        assertEquals("\u2603", words.token(unknown));
        assertEquals("saw", words.token(unknown - 1));
        assertEquals("saw \u2603 in", words.join(unknown - 1, unknown + 2));
        assertEquals("johnny", words.join(1, 2), "known tokens are decoded as the tokenizer decodes them");
    }

    @Test
    void offsetsAreCodePointsIntoTheOriginalText() {
        String text = "héllo 😀 wörld";
        Encoding e = tokenizer.encodeRaw(text, false);
        int world = Arrays.asList(e.tokens()).indexOf("world");
        assertEquals(8, e.starts()[world]);
        assertEquals(13, e.ends()[world]);
        assertEquals("wörld", new String(text.codePoints().skip(8).limit(5).toArray(), 0, 5));
    }

    @Test
    void tokenIdsPassThroughUnchanged() {
        Encoding e = tokenizer.fromIds(new long[] {CLS, 7592, SEP}, false, TruncationDirection.RIGHT);
        assertArrayEquals(new long[] {CLS, 7592, SEP}, e.ids());
        assertFalse(e.special()[0]);
        assertThrows(InputTooLongException.class,
                     () -> tokenizer.fromIds(new long[9], false, TruncationDirection.RIGHT));
        assertEquals(8, tokenizer.fromIds(new long[9], true, TruncationDirection.RIGHT).length());
    }

    @Test
    void decodesIdsBackToText() {
        assertEquals("hello world", tokenizer.decode(new long[] {CLS, 7592, 2088, SEP}, true));
        assertTrue(tokenizer.decode(new long[] {CLS, 7592, SEP}, false).contains("[CLS]"));
    }

    @Test
    void aMissingFileIsAClearError() {
        TokenizerException e = assertThrows(TokenizerException.class,
                                             () -> TextTokenizer.load(dir.resolve("nope.json"), 8));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }
    @Test
    void anInputOverTheCharacterLimitIsRefusedWithoutTruncation() {
        assertEquals(2000, tokenizer.maxCharacters());
        String text = "a".repeat(2001);
        TextTooLongException e = assertThrows(TextTooLongException.class,
                                              () -> tokenizer.encode(text, false, TruncationDirection.RIGHT));
        assertEquals(2001, e.characters());
        assertEquals(2000, e.maxCharacters());
        assertThrows(TextTooLongException.class, () -> tokenizer.encodeIds(text, false, TruncationDirection.RIGHT));
        assertThrows(TextTooLongException.class, () -> tokenizer.encodeRaw(text, true));
        assertThrows(TextTooLongException.class,
                     () -> tokenizer.encodePair("q", "b".repeat(2000), false, TruncationDirection.RIGHT));
    }

    @Test
    void theLimitCountsCodePointsAsPythonDoes() {
        String emoji = "\uD83D\uDE00";
        Encoding e = tokenizer.encodeRaw(emoji.repeat(2000), false);
        assertTrue(e.length() > 0);
    }

    @Test
    void truncationCutsTheCharactersOverTheLimitOnItsOwnSide() {
        String right = "hello world " + "x ".repeat(1500);
        assertArrayEquals(tokenizer.encode(right.substring(0, 2000), true, TruncationDirection.RIGHT).ids(),
                          tokenizer.encode(right, true, TruncationDirection.RIGHT).ids());
        assertArrayEquals(tokenizer.encodeIds(right.substring(0, 2000), true, TruncationDirection.RIGHT).ids(),
                          tokenizer.encodeIds(right, true, TruncationDirection.RIGHT).ids());

        String left = "y ".repeat(1500) + "hello world";
        Encoding e = tokenizer.encode(left, true, TruncationDirection.LEFT);
        assertArrayEquals(new long[] {CLS, 1061, 1061, 1061, 1061, 7592, 2088, SEP}, e.ids());
        // The offsets are the caller's text's, not the cut one's.
        IndexedText text = IndexedText.of(left);
        assertEquals("hello", e.covered(text, 5));
        assertEquals("world", e.covered(text, 6));
        assertEquals(left.length() - 5, e.starts()[6]);
    }

    @Test
    void aPairOverTheLimitHoldsEachTextToHalfOfIt() {
        Encoding cut = tokenizer.encodePair("short query", "z ".repeat(1500), true, TruncationDirection.RIGHT);
        Encoding same = tokenizer.encodePair("short query", "z ".repeat(500), true, TruncationDirection.RIGHT);
        assertArrayEquals(same.ids(), cut.ids());
    }
}
