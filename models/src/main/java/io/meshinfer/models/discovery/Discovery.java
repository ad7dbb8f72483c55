package io.meshinfer.models.discovery;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.meshinfer.models.GraphInput;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelException;
import io.meshinfer.models.ModelTask;
import io.meshinfer.models.Pooling;

/**
 * Decides how to serve a model from its directory's JSON files and its graph's declared inputs and outputs.
 *
 * <p>A pure function: it opens nothing, so every rule is testable with in-memory data.
 */
public final class Discovery {
    /** Token-level outputs of embedding exports, in order of preference. */
    private static final List<String> TOKEN_OUTPUTS = List.of("last_hidden_state", "token_embeddings");
    private static final String POOLED_OUTPUT = "sentence_embedding";
    private static final String LOGITS = "logits";

    private Discovery() {
    }

    /**
     * Describes one model.
     *
     * @param name            the name it is served under
     * @param dir             its directory
     * @param onnxFile        the graph file (see {@link OnnxFiles#locate})
     * @param config          what the JSON files say
     * @param graph           what the graph declares
     * @param poolingOverride pooling chosen by the operator, which wins over the directory's
     * @throws ModelException when the graph needs inputs we cannot fill or its task cannot be told
     */
    public static ModelDescription describe(String name,
                                            Path dir,
                                            Path onnxFile,
                                            DirectoryConfig config,
                                            GraphSignature graph,
                                            Optional<Pooling> poolingOverride) {
        List<String> warnings = new ArrayList<>();
        List<GraphInput> inputs = inputs(graph);
        ModelTask task = task(config, graph);

        String output;
        boolean tokenLevel;
        Optional<String> tokenOutput = Optional.empty();
        Pooling pooling = null;
        boolean normalize = false;
        if (task == ModelTask.EMBEDDING && !config.graphOnlyModules().isEmpty()) {
            output = graphPooled(config, graph, poolingOverride);
            tokenLevel = false;
            tokenOutput = tokenOutput(graph, warnings)
                    .filter(tokens -> readable(graph.output(tokens).orElseThrow(), onnxFile, warnings));
            pooling = config.pooling().orElse(Pooling.CLS);
            normalize = config.normalizeModule();
        } else if (task == ModelTask.EMBEDDING) {
            tokenOutput = tokenOutput(graph, warnings);
            output = tokenOutput.orElse(POOLED_OUTPUT);
            tokenLevel = tokenOutput.isPresent();
            pooling = poolingOverride.or(config::pooling).orElseGet(() -> {
                warnings.add("no sentence-transformers Pooling module found; using CLS pooling");
                return Pooling.CLS;
            });
            // sentence-transformers models say themselves whether they normalise; other exports follow TEI's
            // default of normalising.
            normalize = !config.sentenceTransformers() || config.normalizeModule();
        } else {
            output = LOGITS;
            tokenLevel = task == ModelTask.TOKEN_CLASSIFIER;
        }
        TensorSpec outputSpec = graph.output(output).orElseThrow();
        int width = (int) outputSpec.lastDimension();
        if (width <= 0) {
            throw new ModelException("output " + output + " of " + onnxFile + " has no fixed last dimension");
        }
        String dtype = dtype(outputSpec, onnxFile);

        List<String> labels = task == ModelTask.EMBEDDING ? List.of() : labels(config, width, warnings);
        Optional<String> defaultPrompt = config.defaultPromptName();
        if (defaultPrompt.isPresent() && !config.prompts().containsKey(defaultPrompt.get())) {
            warnings.add("default_prompt_name '" + defaultPrompt.get() + "' is not among the prompts; ignoring it");
            defaultPrompt = Optional.empty();
        }
        return new ModelDescription(name, dir, onnxFile, dir.resolve("tokenizer.json"), task, pooling,
                                    config.poolingIncludesPrompt(), normalize, maxLength(config, warnings), labels,
                                    config.multiLabel(), config.vocabSize(), config.modelType(), inputs, output,
                                    tokenLevel, tokenOutput, width, dtype, config.prompts(), defaultPrompt, warnings);
    }

    /**
     * TEI's name for the element type of the output read: float16 and bfloat16 outputs (float16 exports for GPUs)
     * are read as float32 by ONNX Runtime; others cannot be read at all, so the model is refused here rather than
     * failing on its first request.
     */
    static String dtype(TensorSpec output, Path onnxFile) {
        return switch (output.elementType()) {
            case "FLOAT" -> "float32";
            case "FLOAT16" -> "float16";
            case "BFLOAT16" -> "bfloat16";
            default -> throw new ModelException("output " + output.name() + " of " + onnxFile + " has element type "
                                                        + output.elementType() + "; expected float32, float16 or "
                                                        + "bfloat16");
        };
    }

    /**
     * The output of a sentence-transformers model with modules ({@code Dense}, ...) only the graph can apply:
     * {@code sentence_embedding}, which an optimum sentence-transformers export computes through every module.
     * Pooling the token outputs instead would silently skip those modules.
     */
    private static String graphPooled(DirectoryConfig config, GraphSignature graph, Optional<Pooling> override) {
        String modules = String.join(", ", config.graphOnlyModules());
        if (graph.output(POOLED_OUTPUT).isEmpty()) {
            throw new ModelException("modules.json applies " + modules + " besides the Transformer, Pooling and "
                                             + "Normalize modules, which meshinfer does not compute itself, and the "
                                             + "graph has no " + POOLED_OUTPUT + " output that includes it (outputs: "
                                             + graph.outputNames() + "); export the whole model with optimum-cli "
                                             + "export onnx --library sentence_transformers");
        }
        if (override.isPresent()) {
            throw new ModelException("--pooling cannot apply: the graph pools (its " + POOLED_OUTPUT + " output "
                                             + "includes " + modules + ")");
        }
        if (!config.poolingIncludesPrompt() && !config.prompts().values().stream().allMatch(String::isEmpty)) {
            // The graph cannot be told how many of its tokens a prompt's are.
            throw new ModelException("the Pooling module leaves prompts out (include_prompt: false), which the "
                                             + "graph's " + POOLED_OUTPUT + " output cannot do, and the model has "
                                             + "prompts " + config.prompts().keySet());
        }
        return POOLED_OUTPUT;
    }

    /**
     * The graph's per-token vectors, which {@code /embed_all} answers as TEI's does and as sentence-transformers'
     * {@code output_value="token_embeddings"} gives them: the Transformer's, before pooling and any module after it.
     */
    private static Optional<String> tokenOutput(GraphSignature graph, List<String> warnings) {
        Optional<String> tokens = TOKEN_OUTPUTS.stream().filter(n -> graph.output(n).isPresent()).findFirst();
        if (tokens.isEmpty()) {
            warnings.add("graph has no per-token output (" + String.join(", ", TOKEN_OUTPUTS) + "): pooling is the "
                                 + "graph's own, and /embed_all is unavailable");
        }
        return tokens;
    }

    /**
     * Whether ONNX Runtime can hand over a per-token output beside the graph's pooled one; the model is still served
     * when it cannot, without {@code /embed_all}.
     */
    private static boolean readable(TensorSpec tokenOutput, Path onnxFile, List<String> warnings) {
        try {
            dtype(tokenOutput, onnxFile);
            return true;
        } catch (ModelException e) {
            warnings.add("/embed_all is unavailable: " + e.getMessage());
            return false;
        }
    }

    /** Maximum input length: sentence-transformers' setting, else the tokenizer's, else the position table's. */
    static int maxLength(DirectoryConfig config, List<String> warnings) {
        Optional<Integer> declared = config.sentenceMaxLength().or(config::tokenizerMaxLength);
        int length = declared.or(config::maxPositionEmbeddings).orElseGet(() -> {
            warnings.add("no maximum length in sentence_bert_config.json, tokenizer_config.json or config.json; "
                                 + "using 512");
            return 512;
        });
        if (config.maxPositionEmbeddings().isPresent() && length > config.maxPositionEmbeddings().get()) {
            warnings.add("declared maximum length " + length + " exceeds max_position_embeddings; using "
                                 + config.maxPositionEmbeddings().get());
            length = config.maxPositionEmbeddings().get();
        }
        return length;
    }

    static ModelTask task(DirectoryConfig config, GraphSignature graph) {
        boolean hasLogits = graph.output(LOGITS).isPresent();
        for (String architecture : config.architectures()) {
            if (architecture.endsWith("ForSequenceClassification") && hasLogits) {
                return classifierKind(config, graph);
            }
            if (architecture.endsWith("ForTokenClassification") && hasLogits) {
                return ModelTask.TOKEN_CLASSIFIER;
            }
        }
        boolean embeddingOutput = TOKEN_OUTPUTS.stream().anyMatch(n -> graph.output(n).isPresent())
                || graph.output(POOLED_OUTPUT).isPresent();
        if (embeddingOutput) {
            return ModelTask.EMBEDDING;
        }
        if (hasLogits) {
            // No architecture to go by: the logits' rank tells sequence from token classification.
            return graph.output(LOGITS).get().rank() == 3 ? ModelTask.TOKEN_CLASSIFIER : classifierKind(config, graph);
        }
        throw new ModelException("cannot tell the task of this model: architectures " + config.architectures()
                                         + ", graph outputs " + graph.outputNames() + "; expected one of "
                                         + TOKEN_OUTPUTS + ", " + POOLED_OUTPUT + " or " + LOGITS);
    }

    private static ModelTask classifierKind(DirectoryConfig config, GraphSignature graph) {
        long width = graph.output(LOGITS).orElseThrow().lastDimension();
        int labels = width > 0 ? (int) width : config.labels().size();
        return labels == 1 ? ModelTask.RERANKER : ModelTask.CLASSIFIER;
    }

    private static List<GraphInput> inputs(GraphSignature graph) {
        List<GraphInput> inputs = new ArrayList<>();
        for (TensorSpec spec : graph.inputs()) {
            GraphInput input = GraphInput.byName(spec.name()).orElseThrow(() -> new ModelException(
                    "graph input '" + spec.name() + "' is not one this server can fill; supported: input_ids, "
                            + "attention_mask, token_type_ids"));
            if (!spec.elementType().equals("INT64")) {
                throw new ModelException("graph input '" + spec.name() + "' has element type "
                                                 + spec.elementType() + "; expected INT64 (re-export with "
                                                 + "optimum, which writes int64 inputs)");
            }
            inputs.add(input);
        }
        if (!inputs.contains(GraphInput.INPUT_IDS)) {
            throw new ModelException("graph has no input_ids input; inputs: "
                                             + graph.inputs().stream().map(TensorSpec::name).toList());
        }
        return inputs;
    }

    private static List<String> labels(DirectoryConfig config, int width, List<String> warnings) {
        if (config.labels().size() == width) {
            return config.labels();
        }
        if (!config.labels().isEmpty()) {
            warnings.add("config.json id2label has " + config.labels().size() + " labels but the graph outputs "
                                 + width + "; using LABEL_i names");
        }
        List<String> generic = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            generic.add("LABEL_" + i);
        }
        return generic;
    }
}
