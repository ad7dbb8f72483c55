package io.meshinfer.models.discovery;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.meshinfer.models.Pooling;

/**
 * What the JSON files of a model directory say, before the graph is looked at.
 *
 * @param architectures        {@code config.json} {@code architectures}
 * @param modelType            {@code config.json} {@code model_type}
 * @param labels               {@code config.json} {@code id2label}, ordered by id; empty when absent
 * @param multiLabel           {@code problem_type} is {@code multi_label_classification}
 * @param maxPositionEmbeddings {@code config.json} {@code max_position_embeddings}
 * @param vocabSize            {@code config.json} {@code vocab_size}
 * @param tokenizerMaxLength   {@code tokenizer_config.json} {@code model_max_length}, unless it is the
 *                             "no limit" sentinel transformers writes
 * @param sentenceMaxLength    {@code sentence_bert_config.json} {@code max_seq_length}
 * @param sentenceTransformers whether {@code modules.json} exists
 * @param pooling              the mode of the Pooling module {@code modules.json} points to
 * @param poolingIncludesPrompt the Pooling module's {@code include_prompt}: false leaves a prompt's tokens out
 * @param normalizeModule      whether {@code modules.json} ends with a Normalize module (unit-length output)
 * @param graphOnlyModules     its modules other than Transformer, Pooling and Normalize ({@code Dense}, ...) as
 *                             {@code type (path)}: meshinfer does not apply them itself, so only a graph whose
 *                             {@code sentence_embedding} output includes them serves the model as
 *                             sentence-transformers does
 * @param prompts              {@code config_sentence_transformers.json} {@code prompts}: name to prefix
 * @param defaultPromptName    {@code config_sentence_transformers.json} {@code default_prompt_name}
 */
public record DirectoryConfig(List<String> architectures,
                              String modelType,
                              List<String> labels,
                              boolean multiLabel,
                              Optional<Integer> maxPositionEmbeddings,
                              Optional<Integer> vocabSize,
                              Optional<Integer> tokenizerMaxLength,
                              Optional<Integer> sentenceMaxLength,
                              boolean sentenceTransformers,
                              Optional<Pooling> pooling,
                              boolean poolingIncludesPrompt,
                              boolean normalizeModule,
                              List<String> graphOnlyModules,
                              Map<String, String> prompts,
                              Optional<String> defaultPromptName) {
    public DirectoryConfig {
        architectures = List.copyOf(architectures);
        labels = List.copyOf(labels);
        graphOnlyModules = List.copyOf(graphOnlyModules);
        prompts = Map.copyOf(prompts);
    }
}
