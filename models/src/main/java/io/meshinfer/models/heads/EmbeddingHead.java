package io.meshinfer.models.heads;

import java.util.Arrays;

import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.Pooling;

/**
 * Turns per-token vectors into a sentence embedding: pooling, optional truncation to fewer dimensions
 * (Matryoshka-style), optional L2 normalisation. Stateless and thread-safe.
 */
public final class EmbeddingHead {
    private EmbeddingHead() {
    }

    /**
     * Pools the rows of a token-level output (padding is already removed, so every row counts).
     *
     * @param tokens     one row per token
     * @param pooling    how rows combine
     * @param skipped    leading rows mean and max pooling leave out: a prompt's, for models whose Pooling module
     *                   says {@code include_prompt: false} (at least one row always counts)
     * @param dimensions keep only the first {@code dimensions} values; 0 keeps all
     * @param normalize  L2-normalise the result (after truncation)
     */
    public static float[] pool(ModelOutput tokens, Pooling pooling, int skipped, int dimensions, boolean normalize) {
        int width = tokens.width();
        int first = Math.min(skipped, tokens.rows() - 1);
        float[] out = new float[width];
        switch (pooling) {
            case CLS -> System.arraycopy(tokens.values(), 0, out, 0, width);
            case LAST_TOKEN -> System.arraycopy(tokens.values(), (tokens.rows() - 1) * width, out, 0, width);
            case MEAN -> {
                double[] sum = new double[width];
                for (int r = first; r < tokens.rows(); r++) {
                    for (int c = 0; c < width; c++) {
                        sum[c] += tokens.at(r, c);
                    }
                }
                for (int c = 0; c < width; c++) {
                    out[c] = (float) (sum[c] / (tokens.rows() - first));
                }
            }
            case MAX -> {
                Arrays.fill(out, Float.NEGATIVE_INFINITY);
                for (int r = first; r < tokens.rows(); r++) {
                    for (int c = 0; c < width; c++) {
                        out[c] = Math.max(out[c], tokens.at(r, c));
                    }
                }
            }
        }
        return finish(out, dimensions, normalize);
    }

    /** Truncates and normalises a vector the graph pooled itself, or one row of per-token output. */
    public static float[] finish(float[] vector, int dimensions, boolean normalize) {
        float[] out = dimensions > 0 && dimensions < vector.length ? Arrays.copyOf(vector, dimensions) : vector;
        return normalize ? normalized(out) : out;
    }

    /** The vector scaled to unit length (a zero vector stays zero). */
    public static float[] normalized(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        // sentence-transformers clamps the norm the same way, so all-zero vectors do not become NaN.
        double scale = 1.0 / Math.max(norm, 1e-12);
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = (float) (vector[i] * scale);
        }
        return out;
    }
}
