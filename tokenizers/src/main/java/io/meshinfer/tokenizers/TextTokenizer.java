package io.meshinfer.tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * A Hugging Face {@code tokenizer.json} with the model's length limit.
 *
 * <p>Truncation is done here rather than inside the native tokenizer, so that one loaded tokenizer serves both
 * {@code truncate: true} and {@code truncate: false} requests, in either direction, and an over-long input can be
 * reported with its real token count.
 *
 * <p>Thread-safe: the native tokenizer is immutable after loading and every call works on its own arrays.
 */
public final class TextTokenizer implements AutoCloseable {
    static {
        // DJL would otherwise try to reach the network for its native library and usage tracking.
        setIfAbsent("DJL_OFFLINE", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
    }

    /**
     * Characters an input may have per token of the model's maximum length, as TEI allows: a bound on the work one
     * input can cause, far above what any tokenizer needs to fill the model.
     */
    public static final int CHARACTERS_PER_TOKEN = 250;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final Optional<String> unknownToken;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, Optional<String> unknownToken) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.unknownToken = unknownToken;
    }

    /**
     * The model's unknown token ({@code model.unk_token}), when its vocabulary has one. Read as a stream, skipping
     * the vocabulary, so that loading stays as fast as the native tokenizer's own.
     */
    private static Optional<String> unknownToken(Path tokenizerJson) throws IOException {
        try (JsonReader in = new JsonReader(Files.newBufferedReader(tokenizerJson))) {
            in.beginObject();
            while (in.hasNext()) {
                if (!in.nextName().equals("model") || in.peek() != JsonToken.BEGIN_OBJECT) {
                    in.skipValue();
                    continue;
                }
                in.beginObject();
                while (in.hasNext()) {
                    if (in.nextName().equals("unk_token") && in.peek() == JsonToken.STRING) {
                        return Optional.of(in.nextString());
                    }
                    in.skipValue();
                }
                return Optional.empty();
            }
            return Optional.empty();
        } catch (IllegalStateException e) {
            throw new IOException("not a tokenizer.json: " + e.getMessage(), e);
        }
    }

    /**
     * Loads {@code tokenizer.json}.
     *
     * @param tokenizerJson path of the file
     * @param maxLength     most tokens an encoding may have, special tokens included
     * @throws TokenizerException when the file is missing or not a valid tokenizer
     */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, was " + maxLength);
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new TokenizerException("tokenizer file not found: " + tokenizerJson);
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new TextTokenizer(tokenizer, maxLength, unknownToken(tokenizerJson));
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Most tokens an encoding may have, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** Most characters (code points) an input may have: {@link #CHARACTERS_PER_TOKEN} per token of the maximum. */
    public int maxCharacters() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxLength * CHARACTERS_PER_TOKEN);
    }

    /**
     * Tokenizes one text with the model's special tokens.
     *
     * @throws InputTooLongException when the text has too many tokens and {@code truncate} is false
     * @throws TextTooLongException when it has more than {@link #maxCharacters()} and {@code truncate} is false;
     *                              with {@code truncate}, the characters over it are cut first, on the side
     *                              {@code direction} cuts
     */
    public Encoding encode(String text, boolean truncate, TruncationDirection direction) {
        String kept = limited(text, maxCharacters(), truncate, direction);
        Encoding full = convert(tokenizer.encode(kept, true, false), false);
        if (kept.length() < text.length() && direction == TruncationDirection.LEFT) {
            // Offsets stay offsets into the caller's text.
            full = full.shifted(text.codePointCount(0, text.length() - kept.length()));
        }
        return fit(full, truncate, direction, tokensOf(full, 0), 0);
    }

    /**
     * Tokenizes a text for the graph alone: ids, type ids and which tokens are special, without the token texts,
     * offsets and word ids that only {@code /tokenize} and token classification read. Asks the native tokenizer for
     * three arrays instead of eight, which matters on the request path.
     *
     * @throws InputTooLongException as {@link #encode}
     * @throws TextTooLongException as {@link #encode}
     */
    public Encoding encodeIds(String text, boolean truncate, TruncationDirection direction) {
        long encoded = TokenizersLibrary.LIB.encode(tokenizer.getHandle(),
                                                    limited(text, maxCharacters(), truncate, direction), true);
        long[] ids;
        long[] typeIds;
        long[] specialMask;
        try {
            ids = TokenizersLibrary.LIB.getTokenIds(encoded);
            typeIds = TokenizersLibrary.LIB.getTypeIds(encoded);
            specialMask = TokenizersLibrary.LIB.getSpecialTokenMask(encoded);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoded);
        }
        int n = ids.length;
        boolean[] special = new boolean[n];
        int[] sequenceIds = new int[n];
        for (int i = 0; i < n; i++) {
            special[i] = specialMask[i] != 0;
            sequenceIds[i] = special[i] ? -1 : 0;
        }
        Encoding full = Encoding.ofIds(ids, typeIds, special, sequenceIds);
        return fit(full, truncate, direction, tokensOf(full, 0), 0);
    }

    /**
     * Tokenizes a text pair (for cross-encoders and pair classifiers). When too long, the texts are cut as Hugging
     * Face's {@code longest_first} strategy cuts them ({@link #keep}).
     *
     * @throws InputTooLongException when the pair is too long and {@code truncate} is false
     * @throws TextTooLongException when the two texts together have more than {@link #maxCharacters()} and
     *                              {@code truncate} is false; with {@code truncate}, each is held to half of it
     */
    public Encoding encodePair(String first, String second, boolean truncate, TruncationDirection direction) {
        // Counting code points only when the chars, which are never fewer, are over the limit.
        if (first.length() + second.length() > maxCharacters()) {
            int characters = first.codePointCount(0, first.length()) + second.codePointCount(0, second.length());
            if (characters > maxCharacters()) {
                if (!truncate) {
                    throw new TextTooLongException(characters, maxCharacters());
                }
                // As TEI: each text is held to half the limit.
                first = limited(first, maxCharacters() / 2, true, direction);
                second = limited(second, maxCharacters() / 2, true, direction);
            }
        }
        Encoding full = convert(tokenizer.encode(first, second, true, false), true);
        return fit(full, truncate, direction, tokensOf(full, 0), tokensOf(full, 1));
    }

    /**
     * Tokenizes without the token limit, with or without special tokens (for {@code /tokenize}).
     *
     * @throws TextTooLongException when the text has more than {@link #maxCharacters()}
     */
    public Encoding encodeRaw(String text, boolean addSpecialTokens) {
        return convert(tokenizer.encode(limited(text, maxCharacters(), false, TruncationDirection.RIGHT),
                                        addSpecialTokens, false), false);
    }

    /**
     * Wraps token ids a caller already has (the OpenAI API accepts them) as an encoding, unchanged: no special
     * tokens are added.
     *
     * @throws InputTooLongException when there are too many ids and {@code truncate} is false
     */
    public Encoding fromIds(long[] ids, boolean truncate, TruncationDirection direction) {
        int n = ids.length;
        Encoding full = Encoding.ofIds(ids.clone(), new long[n], new boolean[n], new int[n]);
        return fit(full, truncate, direction, n, 0);
    }

    /**
     * The tokens of an encoding of {@code text} as the transformers pipelines show them: an unknown token stands for
     * the text it covers, as the token-classification pipeline writes it.
     */
    public TokenText tokenText(Encoding encoding, String original) {
        IndexedText text = IndexedText.of(original);
        return new TokenText() {
            @Override
            public String token(int t) {
                return unknown(t) ? encoding.covered(text, t) : encoding.tokens()[t];
            }

            @Override
            public String join(int from, int to) {
                List<String> words = new ArrayList<>();
                int run = from;
                for (int t = from; t < to; t++) {
                    if (unknown(t)) {
                        decodeInto(words, run, t);
                        words.add(encoding.covered(text, t));
                        run = t + 1;
                    }
                }
                decodeInto(words, run, to);
                return String.join(" ", words);
            }

            private boolean unknown(int t) {
                return unknownToken.isPresent() && unknownToken.get().equals(encoding.tokens()[t]);
            }

            private void decodeInto(List<String> words, int from, int to) {
                if (to > from) {
                    words.add(decode(Arrays.copyOfRange(encoding.ids(), from, to), false));
                }
            }
        };
    }

    /** Turns token ids back into text. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        try {
            return tokenizer.decode(ids, skipSpecialTokens);
        } catch (RuntimeException e) {
            throw new TokenizerException("cannot decode ids: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** {@code text} held to {@code limit} code points: cut on the side {@code direction} cuts, or refused. */
    private static String limited(String text, int limit, boolean truncate, TruncationDirection direction) {
        if (text.length() <= limit) {
            return text;
        }
        int characters = text.codePointCount(0, text.length());
        if (characters <= limit) {
            return text;
        }
        if (!truncate) {
            throw new TextTooLongException(characters, limit);
        }
        return direction == TruncationDirection.RIGHT
                ? text.substring(0, text.offsetByCodePoints(0, limit))
                : text.substring(text.offsetByCodePoints(0, characters - limit));
    }

    private Encoding fit(Encoding full, boolean truncate, TruncationDirection direction, int firstTokens,
                         int secondTokens) {
        int excess = full.length() - maxLength;
        if (excess <= 0) {
            return full;
        }
        if (!truncate) {
            throw new InputTooLongException(full.length(), maxLength);
        }
        if (excess > firstTokens + secondTokens) {
            throw new TokenizerException("maximum length " + maxLength + " leaves no room for text after the "
                                                 + "special tokens");
        }
        int[] keep = keep(firstTokens, secondTokens, firstTokens + secondTokens - excess);
        Encoding out = cut(full, 1, secondTokens - keep[1], direction);
        return cut(out, 0, firstTokens - keep[0], direction);
    }

    /**
     * How many tokens of each text fit in {@code budget}, as Hugging Face's {@code longest_first}: only the longer
     * text is cut while the shorter fits in half the budget; otherwise both get half, and an odd token goes to the
     * longer text (to the second on a tie).
     */
    static int[] keep(int first, int second, int budget) {
        if (second == 0) {
            return new int[] {budget, 0};
        }
        boolean firstShorter = first <= second;
        int shorter = firstShorter ? first : second;
        int keepShorter = 2 * shorter <= budget ? shorter : budget / 2;
        int keepLonger = budget - keepShorter;
        return firstShorter ? new int[] {keepShorter, keepLonger} : new int[] {keepLonger, keepShorter};
    }

    private static Encoding cut(Encoding encoding, int sequence, int count, TruncationDirection direction) {
        if (count == 0) {
            return encoding;
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < encoding.length(); i++) {
            if (encoding.sequenceIds()[i] == sequence) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return direction == TruncationDirection.RIGHT
                ? encoding.without(last + 1 - count, last + 1)
                : encoding.without(first, first + count);
    }

    /** How many tokens of the given text (0 or 1 of a pair) the encoding holds. */
    private static int tokensOf(Encoding encoding, int sequence) {
        int n = 0;
        for (int id : encoding.sequenceIds()) {
            if (id == sequence) {
                n++;
            }
        }
        return n;
    }

    /** @param pair whether {@code raw} holds two texts; a single text's tokens are all of sequence 0 */
    private static Encoding convert(ai.djl.huggingface.tokenizers.Encoding raw, boolean pair) {
        long[] ids = raw.getIds();
        int n = ids.length;
        long[] specialMask = raw.getSpecialTokenMask();
        // One more call into the native tokenizer, made only when there is a second text to tell apart.
        long[] rawSequenceIds = pair ? raw.getSequenceIds() : null;
        CharSpan[] spans = raw.getCharTokenSpans();
        boolean[] special = new boolean[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        int[] sequenceIds = new int[n];
        for (int i = 0; i < n; i++) {
            special[i] = specialMask[i] != 0 || spans[i] == null;
            if (special[i]) {
                sequenceIds[i] = -1;
                continue;
            }
            sequenceIds[i] = pair ? (int) rawSequenceIds[i] : 0;
            // The native tokenizer already reports code-point offsets, relative to the text the token came from.
            starts[i] = spans[i].getStart();
            ends[i] = spans[i].getEnd();
        }
        return new Encoding(ids, raw.getTypeIds(), raw.getTokens(), special, starts, ends, sequenceIds,
                            raw.getWordIds());
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getenv(key) == null && System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
