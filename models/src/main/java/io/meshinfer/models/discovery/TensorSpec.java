package io.meshinfer.models.discovery;

import java.util.List;

/**
 * One input or output of an ONNX graph as the graph declares it.
 *
 * @param name        the tensor's name
 * @param elementType ONNX Runtime's Java element type name ({@code INT64}, {@code FLOAT}, ...)
 * @param shape       dimensions; -1 for a symbolic dimension such as batch or sequence
 */
public record TensorSpec(String name, String elementType, List<Long> shape) {
    public TensorSpec {
        shape = List.copyOf(shape);
    }

    public int rank() {
        return shape.size();
    }

    /** The last dimension, or -1 when it is symbolic. */
    public long lastDimension() {
        return shape.isEmpty() ? -1 : shape.get(shape.size() - 1);
    }
}
