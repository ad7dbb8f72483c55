package io.meshinfer.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Everything discovery learned about one model directory: what to load and how to read its outputs.
 *
 * @param name           the name the API serves it under
 * @param directory      the model directory
 * @param onnxFile       the ONNX graph to load
 * @param tokenizerFile  the {@code tokenizer.json}
 * @param task           what the model answers
 * @param pooling        sentence pooling (embedding models only)
 * @param poolingIncludesPrompt whether a prompt's tokens count in mean and max pooling (sentence-transformers'
 *                       {@code include_prompt}; false for models trained to pool the text alone)
 * @param normalize      whether embeddings are L2-normalised unless a request says otherwise
 * @param maxLength      most tokens an input may have, special tokens included
 * @param labels         class labels by id (classifiers, rerankers, token classifiers)
 * @param multiLabel     per-label sigmoid instead of softmax ({@code problem_type: multi_label_classification})
 * @param vocabSize      size of the vocabulary, when {@code config.json} gives it (bounds token-id inputs)
 * @param modelType      {@code model_type} from {@code config.json}, or {@code "unknown"}
 * @param inputs         the graph's inputs this server binds
 * @param output         the graph output read for the task
 * @param tokenLevel     whether {@code output} has one row per token ({@code [batch, tokens, width]})
 * @param tokenOutput    the per-token vectors of an embedding model, which {@code /embed_all} answers: {@code output}
 *                       itself when it is per-token, the Transformer's {@code token_embeddings} beside a graph's own
 *                       pooled output; empty when the graph has none, and for other tasks
 * @param width          the size of the output's last dimension (hidden size or number of labels)
 * @param dtype          the output's element type as TEI names it ({@code float32}, {@code float16},
 *                       {@code bfloat16}); ONNX Runtime hands over all three as float32
 * @param prompts        sentence-transformers prompts: name to the prefix put before a text
 * @param defaultPrompt  the prompt used when a request names none
 * @param warnings       what discovery had to guess, to be logged once at start
 */
public record ModelDescription(String name,
                               Path directory,
                               Path onnxFile,
                               Path tokenizerFile,
                               ModelTask task,
                               Pooling pooling,
                               boolean poolingIncludesPrompt,
                               boolean normalize,
                               int maxLength,
                               List<String> labels,
                               boolean multiLabel,
                               Optional<Integer> vocabSize,
                               String modelType,
                               List<GraphInput> inputs,
                               String output,
                               boolean tokenLevel,
                               Optional<String> tokenOutput,
                               int width,
                               String dtype,
                               Map<String, String> prompts,
                               Optional<String> defaultPrompt,
                               List<String> warnings) {

    public ModelDescription {
        labels = List.copyOf(labels);
        inputs = List.copyOf(inputs);
        prompts = Map.copyOf(prompts);
        warnings = List.copyOf(warnings);
    }

    /**
     * The prefix to put before each text: the named prompt, else the model's default one, else nothing.
     *
     * @throws IllegalArgumentException naming the known prompts when {@code name} is not one of them
     */
    public String promptPrefix(Optional<String> name) {
        Optional<String> wanted = name.or(() -> defaultPrompt);
        if (wanted.isEmpty()) {
            return "";
        }
        String prefix = prompts.get(wanted.get());
        if (prefix == null) {
            throw new IllegalArgumentException("model " + this.name + " has no prompt named '" + wanted.get()
                                                       + "'; prompts: " + new TreeSet<>(prompts.keySet()));
        }
        return prefix;
    }
}
