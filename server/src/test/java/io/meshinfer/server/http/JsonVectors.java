package io.meshinfer.server.http;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Vector arithmetic on the JSON arrays the embedding routes answer with. */
final class JsonVectors {
    private JsonVectors() {
    }

    static float[] floats(JsonNode vector) {
        float[] out = new float[vector.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector.get(i).floatValue();
        }
        return out;
    }

    static double norm(JsonNode vector) {
        float[] v = floats(vector);
        return Math.sqrt(dot(v, v));
    }

    static double cosine(JsonNode a, JsonNode b) {
        return cosine(floats(a), floats(b));
    }

    static double cosine(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
