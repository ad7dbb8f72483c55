package io.meshinfer.models.runtime;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.meshinfer.models.GraphInput;
import io.meshinfer.models.discovery.GraphSignature;

/**
 * One loaded ONNX graph.
 *
 * <p>Thread-safe as ONNX Runtime's {@code OrtSession.run} is; the {@link InputBuffers} passed in belong to the
 * caller. {@code run} is a JNI call that pins the carrier of a virtual thread, so call it from platform threads.
 */
public final class ModelSession implements AutoCloseable {
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final GraphSignature signature;
    private final Device device;

    ModelSession(OrtEnvironment environment, OrtSession session, GraphSignature signature, Device device) {
        this.environment = environment;
        this.session = session;
        this.signature = signature;
        this.device = device;
    }

    public GraphSignature signature() {
        return signature;
    }

    /** Where the session actually runs (the CPU after an allowed fallback). */
    public Device device() {
        return device;
    }

    /**
     * Runs one padded batch and returns the requested output, flattened in row-major order.
     *
     * @param buffers the filled batch
     * @param inputs  the graph inputs to bind
     * @param output  the output to read
     * @throws OrtException when ONNX Runtime fails
     */
    public float[] run(InputBuffers buffers, List<GraphInput> inputs, String output) throws OrtException {
        return run(buffers, inputs, List.of(output))[0];
    }

    /**
     * Runs one padded batch and returns the requested outputs, each flattened in row-major order, in the order
     * asked.
     *
     * @throws OrtException when ONNX Runtime fails
     */
    public float[][] run(InputBuffers buffers, List<GraphInput> inputs, List<String> outputs) throws OrtException {
        long[] shape = {buffers.batch(), buffers.sequenceLength()};
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (GraphInput input : inputs) {
                LongBuffer source = switch (input) {
                    case INPUT_IDS -> buffers.ids();
                    case ATTENTION_MASK -> buffers.attentionMask();
                    case TOKEN_TYPE_IDS -> buffers.typeIds();
                };
                tensors.put(input.onnxName(), OnnxTensor.createTensor(environment, source, shape));
            }
            try (OrtSession.Result result = session.run(tensors, Set.copyOf(outputs))) {
                float[][] values = new float[outputs.size()][];
                for (int i = 0; i < values.length; i++) {
                    values[i] = floats(result, outputs.get(i));
                }
                return values;
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] floats(OrtSession.Result result, String output) {
        OnnxValue value = result.get(output).orElseThrow(() -> new IllegalStateException("graph returned no "
                                                                                                  + output));
        FloatBuffer floats = ((OnnxTensor) value).getFloatBuffer();
        if (floats == null) {
            throw new IllegalStateException("output " + output + " is not a float tensor");
        }
        float[] out = new float[floats.remaining()];
        floats.get(out);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close session: " + e.getMessage(), e);
        }
    }
}
