package io.meshinfer.tokenizers;

import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * One tokenized input: the arrays a model consumes plus what the API reports back.
 *
 * <p>Arrays are parallel (one entry per token) and owned by this record: callers must not mutate them.
 * {@code starts}/{@code ends} are character offsets into the original text in Unicode code points (as Hugging
 * Face's Python tokenizers report them); special tokens have {@code start == end == 0}. {@code sequenceIds} is 0
 * for tokens of the first text, 1 for the second text of a pair, and -1 for special tokens. {@code wordIds} is -1
 * for tokens that belong to no word.
 */
public record Encoding(long[] ids,
                       long[] typeIds,
                       String[] tokens,
                       boolean[] special,
                       int[] starts,
                       int[] ends,
                       int[] sequenceIds,
                       long[] wordIds) {

    public Encoding {
        int n = ids.length;
        if (typeIds.length != n || tokens.length != n || special.length != n || starts.length != n
                || ends.length != n || sequenceIds.length != n || wordIds.length != n) {
            throw new IllegalArgumentException("Encoding arrays must all have " + n + " entries");
        }
    }

    /**
     * An encoding that knows only what the graph reads: ids, type ids, which tokens are special and which text each
     * came from. Its token texts are empty, its offsets 0 and its word ids -1.
     */
    public static Encoding ofIds(long[] ids, long[] typeIds, boolean[] special, int[] sequenceIds) {
        int n = ids.length;
        String[] tokens = new String[n];
        Arrays.fill(tokens, "");
        long[] wordIds = new long[n];
        Arrays.fill(wordIds, -1);
        return new Encoding(ids, typeIds, tokens, special, new int[n], new int[n], sequenceIds, wordIds);
    }

    /** Number of tokens, special tokens included. */
    public int length() {
        return ids.length;
    }

    /** The part of {@code text} token {@code t} covers (its offsets count code points, as Python's do). */
    public String covered(IndexedText text, int t) {
        return text.substring(starts[t], ends[t]);
    }

    /** This encoding with the offsets of its text tokens moved {@code codePoints} further into the text. */
    Encoding shifted(int codePoints) {
        int[] newStarts = starts.clone();
        int[] newEnds = ends.clone();
        for (int t = 0; t < length(); t++) {
            if (!special[t]) {
                newStarts[t] += codePoints;
                newEnds[t] += codePoints;
            }
        }
        return new Encoding(ids, typeIds, tokens, special, newStarts, newEnds, sequenceIds, wordIds);
    }

    /** The tokens {@code [from, to)} as a new encoding. */
    Encoding slice(int from, int to) {
        return new Encoding(Arrays.copyOfRange(ids, from, to),
                            Arrays.copyOfRange(typeIds, from, to),
                            Arrays.copyOfRange(tokens, from, to),
                            Arrays.copyOfRange(special, from, to),
                            Arrays.copyOfRange(starts, from, to),
                            Arrays.copyOfRange(ends, from, to),
                            Arrays.copyOfRange(sequenceIds, from, to),
                            Arrays.copyOfRange(wordIds, from, to));
    }

    /** This encoding with the tokens {@code [from, to)} removed. */
    Encoding without(int from, int to) {
        Encoding head = slice(0, from);
        Encoding tail = slice(to, length());
        return concat(head, tail);
    }

    private static Encoding concat(Encoding a, Encoding b) {
        return new Encoding(joined(a.ids, b.ids),
                            joined(a.typeIds, b.typeIds),
                            joined(a.tokens, b.tokens),
                            joined(a.special, b.special),
                            joined(a.starts, b.starts),
                            joined(a.ends, b.ends),
                            joined(a.sequenceIds, b.sequenceIds),
                            joined(a.wordIds, b.wordIds));
    }

    /** Joins two arrays of the same type, primitive or not. */
    @SuppressWarnings("unchecked")
    private static <A> A joined(A a, A b) {
        int na = Array.getLength(a);
        int nb = Array.getLength(b);
        A out = (A) Array.newInstance(a.getClass().getComponentType(), na + nb);
        System.arraycopy(a, 0, out, 0, na);
        System.arraycopy(b, 0, out, na, nb);
        return out;
    }
}
