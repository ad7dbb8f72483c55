package io.meshinfer.tokenizers;

/** An encoding's tokens as text, the way the transformers pipelines show them. */
public interface TokenText {
    /** Token {@code t} as the vocabulary writes it ({@code ##ny}); an unknown token shows the text it covers. */
    String token(int t);

    /** Tokens {@code [from, to)} as one word: decoded together, an unknown token's text kept as it was written. */
    String join(int from, int to);
}
