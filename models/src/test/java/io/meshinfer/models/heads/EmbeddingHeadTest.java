package io.meshinfer.models.heads;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.Pooling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EmbeddingHeadTest {
    // Three tokens, width two.
    private static final ModelOutput TOKENS = new ModelOutput(new float[] {1, 2, 3, -4, 5, 0}, 3, 2, 0, 0, 1);

    @Test
    void meanAveragesEveryToken() {
        assertArrayEquals(new float[] {3, -2f / 3}, EmbeddingHead.pool(TOKENS, Pooling.MEAN, 0, 0, false), 1e-6f);
    }

    @Test
    void skippedLeadingTokensCountInNeitherMeanNorMaxButClsAndLastStay() {
        assertArrayEquals(new float[] {4, -2}, EmbeddingHead.pool(TOKENS, Pooling.MEAN, 1, 0, false), 1e-6f);
        assertArrayEquals(new float[] {5, 0}, EmbeddingHead.pool(TOKENS, Pooling.MAX, 1, 0, false));
        assertArrayEquals(new float[] {1, 2}, EmbeddingHead.pool(TOKENS, Pooling.CLS, 1, 0, false));
        assertArrayEquals(new float[] {5, 0}, EmbeddingHead.pool(TOKENS, Pooling.LAST_TOKEN, 1, 0, false));
        assertArrayEquals(new float[] {5, 0}, EmbeddingHead.pool(TOKENS, Pooling.MEAN, 9, 0, false),
                          "the last token always counts");
    }

    @Test
    void clsTakesTheFirstToken() {
        assertArrayEquals(new float[] {1, 2}, EmbeddingHead.pool(TOKENS, Pooling.CLS, 0, 0, false));
    }

    @Test
    void lastTokenTakesTheLastToken() {
        assertArrayEquals(new float[] {5, 0}, EmbeddingHead.pool(TOKENS, Pooling.LAST_TOKEN, 0, 0, false));
    }

    @Test
    void maxTakesTheLargestValuePerDimension() {
        assertArrayEquals(new float[] {5, 2}, EmbeddingHead.pool(TOKENS, Pooling.MAX, 0, 0, false));
    }

    @Test
    void normalisationGivesUnitLength() {
        float[] v = EmbeddingHead.pool(TOKENS, Pooling.CLS, 0, 0, true);
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(5)), (float) (2 / Math.sqrt(5))}, v, 1e-6f);
    }

    @Test
    void dimensionsTruncateBeforeNormalising() {
        float[] v = EmbeddingHead.pool(TOKENS, Pooling.CLS, 0, 1, true);
        assertArrayEquals(new float[] {1}, v, 1e-6f);
    }

    @Test
    void aZeroVectorStaysZeroInsteadOfNaN() {
        assertEquals(0f, EmbeddingHead.normalized(new float[] {0, 0})[0]);
    }
}
