package io.meshinfer.models.discovery;

import java.util.List;
import java.util.Optional;

/** The declared inputs and outputs of an ONNX graph, in declaration order. */
public record GraphSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public GraphSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    public List<String> outputNames() {
        return outputs.stream().map(TensorSpec::name).toList();
    }
}
