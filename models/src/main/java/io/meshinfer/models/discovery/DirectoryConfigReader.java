package io.meshinfer.models.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshinfer.models.ModelException;
import io.meshinfer.models.Pooling;

/** Reads the JSON files of a Hugging Face / sentence-transformers model directory into a {@link DirectoryConfig}. */
public final class DirectoryConfigReader {
    /** transformers writes this (int(1e30)) as {@code model_max_length} when a tokenizer has no limit. */
    private static final double NO_LIMIT_SENTINEL = 1e18;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * sentence-transformers modules that make a model something other than a Transformer's dense text embedding:
     * sparse (SPLADE), routed by input kind, static embeddings, bag of words, images. Served as one would silently
     * answer something else (a SPLADE graph's logits read as NER, one route answering both kinds of input).
     */
    private static final Set<String> UNSERVED_MODULES = Set.of("SpladePooling", "MLMTransformer", "SparseAutoEncoder",
            "SparseStaticEmbedding", "Router", "Asym", "StaticEmbedding", "WordEmbeddings", "BoW", "CLIPModel",
            "CNN", "LSTM", "WordWeights");

    private DirectoryConfigReader() {
    }

    /**
     * Reads {@code config.json} (required) and the optional tokenizer and sentence-transformers files.
     *
     * @throws ModelException when a file is unreadable or malformed, the pooling mode is unsupported, or a module
     *                        makes it a model this server does not serve
     */
    public static DirectoryConfig read(Path dir) {
        JsonNode config = readJson(dir.resolve("config.json"))
                .orElseThrow(() -> new ModelException("model directory " + dir + " has no config.json"));
        Optional<JsonNode> tokenizerConfig = readJson(dir.resolve("tokenizer_config.json"));
        Optional<JsonNode> sentenceConfig = readJson(dir.resolve("sentence_bert_config.json"));
        Optional<JsonNode> modules = readJson(dir.resolve("modules.json"));
        Optional<JsonNode> sentenceTransformers = readJson(dir.resolve("config_sentence_transformers.json"));

        List<String> architectures = new ArrayList<>();
        config.path("architectures").forEach(a -> architectures.add(a.asText()));

        Optional<Pooling> pooling = Optional.empty();
        boolean poolingIncludesPrompt = true;
        boolean normalize = false;
        List<String> graphOnly = new ArrayList<>();
        if (modules.isPresent()) {
            for (JsonNode module : modules.get()) {
                String type = module.path("type").asText("");
                String simpleName = type.substring(type.lastIndexOf('.') + 1);
                String path = module.path("path").asText("");
                if (UNSERVED_MODULES.contains(simpleName)) {
                    throw new ModelException("modules.json has a " + simpleName + " module (" + path + "); meshinfer "
                                                     + "serves dense text embeddings of a Transformer only (no "
                                                     + "sparse, routed, static or multimodal models)");
                }
                // Only a last Normalize makes the output unit length; one a Dense layer follows does not.
                normalize = false;
                if (type.endsWith(".Pooling") || type.equals("Pooling")) {
                    Path poolingConfig = dir.resolve(module.path("path").asText("1_Pooling")).resolve("config.json");
                    JsonNode poolingJson = readJson(poolingConfig).orElseThrow(
                            () -> new ModelException("modules.json names a Pooling module but " + poolingConfig
                                                             + " is missing"));
                    pooling = Optional.of(poolingMode(poolingJson));
                    poolingIncludesPrompt = poolingJson.path("include_prompt").asBoolean(true);
                } else if (type.endsWith(".Normalize") || type.equals("Normalize")) {
                    normalize = true;
                } else if (!simpleName.equals("Transformer")) {
                    graphOnly.add(simpleName + " (" + path + ")");
                }
            }
        }

        return new DirectoryConfig(architectures,
                                   config.path("model_type").asText("unknown"),
                                   labels(config),
                                   "multi_label_classification".equals(config.path("problem_type").asText()),
                                   positiveInt(config, "max_position_embeddings"),
                                   positiveInt(config, "vocab_size"),
                                   tokenizerConfig.flatMap(DirectoryConfigReader::tokenizerMaxLength),
                                   sentenceConfig.flatMap(c -> positiveInt(c, "max_seq_length")),
                                   modules.isPresent(),
                                   pooling,
                                   poolingIncludesPrompt,
                                   normalize,
                                   graphOnly,
                                   sentenceTransformers.map(DirectoryConfigReader::prompts).orElse(Map.of()),
                                   sentenceTransformers.map(c -> c.path("default_prompt_name"))
                                           .filter(JsonNode::isTextual).map(JsonNode::asText));
    }

    private static Map<String, String> prompts(JsonNode config) {
        Map<String, String> prompts = new TreeMap<>();
        config.path("prompts").properties().forEach(e -> prompts.put(e.getKey(), e.getValue().asText()));
        return prompts;
    }

    /**
     * The Pooling module's mode, in either of sentence-transformers' spellings: {@code "pooling_mode": "mean"} (a
     * name, or a list of them; written since 5.x) or one {@code pooling_mode_mean_tokens: true} flag per mode.
     */
    private static Pooling poolingMode(JsonNode config) {
        List<String> enabled = new ArrayList<>();
        JsonNode mode = config.path("pooling_mode");
        if (mode.isTextual()) {
            enabled.add(mode.asText());
        } else if (mode.isArray()) {
            mode.forEach(m -> enabled.add(m.asText()));
        } else {
            config.properties().forEach(e -> {
                if (e.getKey().startsWith("pooling_mode_") && e.getValue().asBoolean(false)) {
                    enabled.add(e.getKey());
                }
            });
        }
        if (enabled.size() > 1) {
            // sentence-transformers concatenates the vectors of every enabled mode.
            throw new ModelException("the Pooling module enables " + String.join(" and ", enabled) + " together, "
                                             + "which concatenates their vectors; supported: one of cls, mean, max, "
                                             + "last_token");
        }
        return switch (enabled.isEmpty() ? "" : enabled.getFirst()) {
            case "cls", "pooling_mode_cls_token" -> Pooling.CLS;
            case "mean", "pooling_mode_mean_tokens" -> Pooling.MEAN;
            case "max", "pooling_mode_max_tokens" -> Pooling.MAX;
            case "lasttoken", "pooling_mode_lasttoken" -> Pooling.LAST_TOKEN;
            default -> throw new ModelException("unsupported pooling configuration " + config
                                                        + "; supported: cls, mean, max, last_token");
        };
    }

    private static List<String> labels(JsonNode config) {
        JsonNode id2label = config.path("id2label");
        if (!id2label.isObject() || id2label.isEmpty()) {
            return List.of();
        }
        Map<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : id2label.properties()) {
            try {
                byId.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new ModelException("config.json id2label key '" + e.getKey() + "' is not an integer");
            }
        }
        List<String> labels = new ArrayList<>();
        int expected = 0;
        for (Map.Entry<Integer, String> e : byId.entrySet()) {
            if (e.getKey() != expected++) {
                throw new ModelException("config.json id2label ids must be 0.." + (byId.size() - 1)
                                                 + ", found " + byId.keySet());
            }
            labels.add(e.getValue());
        }
        return labels;
    }

    private static Optional<Integer> tokenizerMaxLength(JsonNode tokenizerConfig) {
        JsonNode value = tokenizerConfig.path("model_max_length");
        if (!value.isNumber() || value.asDouble() >= NO_LIMIT_SENTINEL || value.asDouble() < 1) {
            return Optional.empty();
        }
        return Optional.of(value.asInt());
    }

    private static Optional<Integer> positiveInt(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.canConvertToInt() && value.asInt() > 0 ? Optional.of(value.asInt()) : Optional.empty();
    }

    private static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new ModelException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }
}
