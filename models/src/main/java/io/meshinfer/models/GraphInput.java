package io.meshinfer.models;

import java.util.Optional;

/** The graph inputs a transformer export declares and this server knows how to fill. */
public enum GraphInput {
    INPUT_IDS("input_ids"),
    ATTENTION_MASK("attention_mask"),
    TOKEN_TYPE_IDS("token_type_ids");

    private final String onnxName;

    GraphInput(String onnxName) {
        this.onnxName = onnxName;
    }

    /** The input's name in the ONNX graph. */
    public String onnxName() {
        return onnxName;
    }

    /** The input with this ONNX name, if it is one we fill. */
    public static Optional<GraphInput> byName(String name) {
        for (GraphInput input : values()) {
            if (input.onnxName.equals(name)) {
                return Optional.of(input);
            }
        }
        return Optional.empty();
    }
}
