package io.meshinfer.models;

/**
 * The graph's output for one input of a batch, padding removed: a {@code rows × width} matrix in row-major order.
 * Token-level outputs have one row per token; pooled outputs and sequence logits have one row.
 *
 * @param values         the matrix; owned by this record
 * @param rows           number of rows
 * @param width          number of columns
 * @param queueNanos     time the input waited before its batch started
 * @param inferenceNanos time its batch spent in the graph
 * @param batchSize      how many inputs shared the batch
 */
public record ModelOutput(float[] values, int rows, int width, long queueNanos, long inferenceNanos, int batchSize) {
    public ModelOutput {
        if (values.length != rows * width) {
            throw new IllegalArgumentException("expected " + rows + " x " + width + " values, got " + values.length);
        }
    }

    /** One value. */
    public float at(int row, int column) {
        return values[row * width + column];
    }
}
