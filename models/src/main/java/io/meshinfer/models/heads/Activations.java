package io.meshinfer.models.heads;

/** The activation functions the task heads share. */
final class Activations {
    private Activations() {
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** Softmax of {@code width} values starting at {@code offset}, computed stably (max subtracted first). */
    static float[] softmax(float[] values, int offset, int width) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < width; i++) {
            max = Math.max(max, values[offset + i]);
        }
        double sum = 0;
        double[] exp = new double[width];
        for (int i = 0; i < width; i++) {
            exp[i] = Math.exp(values[offset + i] - max);
            sum += exp[i];
        }
        float[] out = new float[width];
        for (int i = 0; i < width; i++) {
            out[i] = (float) (exp[i] / sum);
        }
        return out;
    }
}
