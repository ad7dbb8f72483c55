package io.meshinfer.models.discovery;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.models.GraphInput;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelException;
import io.meshinfer.models.ModelTask;
import io.meshinfer.models.Pooling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryTest {
    private static final Path DIR = Path.of("/models/m");
    private static final TensorSpec IDS = new TensorSpec("input_ids", "INT64", List.of(-1L, -1L));
    private static final TensorSpec MASK = new TensorSpec("attention_mask", "INT64", List.of(-1L, -1L));
    private static final TensorSpec TYPES = new TensorSpec("token_type_ids", "INT64", List.of(-1L, -1L));

    record TaskCase(String name, List<String> architectures, List<TensorSpec> outputs, ModelTask expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<TaskCase> tasks() {
        TensorSpec hidden = new TensorSpec("last_hidden_state", "FLOAT", List.of(-1L, -1L, 384L));
        TensorSpec tokenEmbeddings = new TensorSpec("token_embeddings", "FLOAT", List.of(-1L, -1L, 384L));
        TensorSpec sentence = new TensorSpec("sentence_embedding", "FLOAT", List.of(-1L, 384L));
        TensorSpec logits3 = new TensorSpec("logits", "FLOAT", List.of(-1L, 3L));
        TensorSpec logits1 = new TensorSpec("logits", "FLOAT", List.of(-1L, 1L));
        TensorSpec tokenLogits = new TensorSpec("logits", "FLOAT", List.of(-1L, -1L, 7L));
        return Stream.of(
                new TaskCase("last_hidden_state is an embedding model", List.of("BertModel"), List.of(hidden),
                             ModelTask.EMBEDDING),
                new TaskCase("token_embeddings is an embedding model", List.of(), List.of(tokenEmbeddings, sentence),
                             ModelTask.EMBEDDING),
                new TaskCase("sentence_embedding alone is an embedding model", List.of(), List.of(sentence),
                             ModelTask.EMBEDDING),
                new TaskCase("sequence classification with labels is a classifier",
                             List.of("BertForSequenceClassification"), List.of(logits3), ModelTask.CLASSIFIER),
                new TaskCase("sequence classification with one label is a reranker",
                             List.of("XLMRobertaForSequenceClassification"), List.of(logits1), ModelTask.RERANKER),
                new TaskCase("token classification is a token classifier", List.of("BertForTokenClassification"),
                             List.of(tokenLogits), ModelTask.TOKEN_CLASSIFIER),
                new TaskCase("rank-3 logits without architectures are token classification", List.of(),
                             List.of(tokenLogits), ModelTask.TOKEN_CLASSIFIER),
                new TaskCase("rank-2 logits without architectures are sequence classification", List.of(),
                             List.of(logits3), ModelTask.CLASSIFIER));
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void taskComesFromOutputsAndArchitectures(TaskCase c) {
        DirectoryConfig config = config(c.architectures(), List.of(), Optional.empty(), false, false);
        GraphSignature graph = new GraphSignature(List.of(IDS, MASK), c.outputs());
        assertEquals(c.expected(), Discovery.task(config, graph));
    }

    @Test
    void anUnknownOutputIsRefusedWithTheOutputNames() {
        DirectoryConfig config = config(List.of("GPT2LMHeadModel"), List.of(), Optional.empty(), false, false);
        GraphSignature graph = new GraphSignature(List.of(IDS),
                                                  List.of(new TensorSpec("present", "FLOAT", List.of(-1L, 2L))));
        ModelException e = assertThrows(ModelException.class, () -> Discovery.task(config, graph));
        assertTrue(e.getMessage().contains("present"), e.getMessage());
    }

    @Test
    void tokenTypeIdsAreBoundOnlyWhenTheGraphDeclaresThem() {
        ModelDescription without = describe(List.of(IDS, MASK), config(List.of("BertModel"), List.of(),
                                                                         Optional.of(Pooling.MEAN), true, true));
        assertEquals(List.of(GraphInput.INPUT_IDS, GraphInput.ATTENTION_MASK), without.inputs());
        assertFalse(without.inputs().contains(GraphInput.TOKEN_TYPE_IDS));
        ModelDescription with = describe(List.of(IDS, MASK, TYPES), config(List.of("BertModel"), List.of(),
                                                                             Optional.of(Pooling.MEAN), true, true));
        assertTrue(with.inputs().contains(GraphInput.TOKEN_TYPE_IDS));
    }

    @Test
    void anUnknownGraphInputIsRefusedByName() {
        TensorSpec positions = new TensorSpec("position_ids", "INT64", List.of(-1L, -1L));
        ModelException e = assertThrows(ModelException.class, () -> describe(
                List.of(IDS, positions), config(List.of("BertModel"), List.of(), Optional.empty(), false, false)));
        assertTrue(e.getMessage().contains("position_ids"), e.getMessage());
    }

    @Test
    void int32InputsAreRefusedWithAHint() {
        TensorSpec ids32 = new TensorSpec("input_ids", "INT32", List.of(-1L, -1L));
        ModelException e = assertThrows(ModelException.class, () -> describe(
                List.of(ids32), config(List.of("BertModel"), List.of(), Optional.empty(), false, false)));
        assertTrue(e.getMessage().contains("INT64"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"FLOAT, float32", "FLOAT16, float16", "BFLOAT16, bfloat16"})
    void theOutputsElementTypeIsTheModelsDtype(String elementType, String dtype) {
        DirectoryConfig config = config(List.of("BertModel"), List.of(), Optional.of(Pooling.MEAN), true, true);
        TensorSpec hidden = new TensorSpec("last_hidden_state", elementType, List.of(-1L, -1L, 384L));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config,
                                                new GraphSignature(List.of(IDS, MASK), List.of(hidden)),
                                                Optional.empty());
        assertEquals(dtype, d.dtype());
    }

    @Test
    void anOutputThatIsNotAFloatTensorIsRefusedAtLoad() {
        DirectoryConfig config = config(List.of("BertForSequenceClassification"), List.of(), Optional.empty(), false,
                                        false);
        TensorSpec logits = new TensorSpec("logits", "DOUBLE", List.of(-1L, 2L));
        ModelException e = assertThrows(ModelException.class, () -> Discovery.describe(
                "m", DIR, DIR.resolve("model.onnx"), config, new GraphSignature(List.of(IDS), List.of(logits)),
                Optional.empty()));
        assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("DOUBLE"), e.getMessage());
    }

    @Test
    void aDenseModuleIsServedFromTheGraphsSentenceEmbedding() {
        TensorSpec tokens = new TensorSpec("token_embeddings", "FLOAT", List.of(-1L, -1L, 16L));
        TensorSpec sentence = new TensorSpec("sentence_embedding", "FLOAT", List.of(-1L, 8L));
        for (boolean normalize : new boolean[] {true, false}) {
            ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), withDense(normalize),
                                                    new GraphSignature(List.of(IDS, MASK), List.of(tokens, sentence)),
                                                    Optional.empty());
            assertEquals("sentence_embedding", d.output());
            assertFalse(d.tokenLevel());
            assertEquals(Optional.of("token_embeddings"), d.tokenOutput(), "the Transformer's, for /embed_all");
            assertEquals(8, d.width());
            assertEquals(normalize, d.normalize());
        }
    }

    @Test
    void aDenseModelWhosePerTokenOutputCannotBeReadIsServedWithoutEmbedAll() {
        TensorSpec tokens = new TensorSpec("token_embeddings", "DOUBLE", List.of(-1L, -1L, 16L));
        TensorSpec sentence = new TensorSpec("sentence_embedding", "FLOAT", List.of(-1L, 8L));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), withDense(true),
                                                new GraphSignature(List.of(IDS, MASK), List.of(tokens, sentence)),
                                                Optional.empty());
        assertEquals("sentence_embedding", d.output());
        assertEquals(Optional.empty(), d.tokenOutput());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("/embed_all is unavailable")
                && w.contains("DOUBLE")), d.warnings()::toString);
    }

    @Test
    void embedAllReadsTheGraphsPerTokenOutputWhenItHasOne() {
        DirectoryConfig config = config(List.of("BertModel"), List.of(), Optional.empty(), false, false);
        TensorSpec hidden = new TensorSpec("last_hidden_state", "FLOAT", List.of(-1L, -1L, 384L));
        TensorSpec sentence = new TensorSpec("sentence_embedding", "FLOAT", List.of(-1L, 384L));
        ModelDescription pooledHere = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config,
                new GraphSignature(List.of(IDS, MASK), List.of(hidden)), Optional.empty());
        assertEquals(Optional.of("last_hidden_state"), pooledHere.tokenOutput());
        ModelDescription pooledByGraph = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config,
                new GraphSignature(List.of(IDS, MASK), List.of(sentence)), Optional.empty());
        assertEquals(Optional.empty(), pooledByGraph.tokenOutput());
        assertTrue(pooledByGraph.warnings().stream().anyMatch(w -> w.contains("/embed_all is unavailable")),
                   pooledByGraph.warnings()::toString);
    }

    @Test
    void aDenseModuleTheGraphLeavesOutIsRefusedAtLoad() {
        TensorSpec tokens = new TensorSpec("token_embeddings", "FLOAT", List.of(-1L, -1L, 16L));
        ModelException e = assertThrows(ModelException.class, () -> Discovery.describe(
                "m", DIR, DIR.resolve("model.onnx"), withDense(true),
                new GraphSignature(List.of(IDS, MASK), List.of(tokens)), Optional.empty()));
        assertTrue(e.getMessage().contains("Dense (2_Dense)") && e.getMessage().contains("--library "
                                                                                          + "sentence_transformers"),
                   e.getMessage());
    }

    @Test
    void aGraphThatPoolsCannotLeavePromptsOut() {
        TensorSpec sentence = new TensorSpec("sentence_embedding", "FLOAT", List.of(-1L, 8L));
        GraphSignature graph = new GraphSignature(List.of(IDS, MASK), List.of(sentence));
        ModelException e = assertThrows(ModelException.class, () -> Discovery.describe(
                "m", DIR, DIR.resolve("model.onnx"), withDense(true, false, Map.of("query", "query: ")), graph,
                Optional.empty()));
        assertTrue(e.getMessage().contains("include_prompt"), e.getMessage());
        // Empty prompts (sentence-transformers 5 writes them) leave nothing to leave out.
        assertEquals("sentence_embedding", Discovery.describe("m", DIR, DIR.resolve("model.onnx"),
                withDense(true, false, Map.of("query", "", "document", "")), graph, Optional.empty()).output());
    }

    @Test
    void anOperatorPoolingCannotReplaceAGraphThatPoolsThroughADenseModule() {
        TensorSpec sentence = new TensorSpec("sentence_embedding", "FLOAT", List.of(-1L, 8L));
        ModelException e = assertThrows(ModelException.class, () -> Discovery.describe(
                "m", DIR, DIR.resolve("model.onnx"), withDense(true),
                new GraphSignature(List.of(IDS, MASK), List.of(sentence)), Optional.of(Pooling.CLS)));
        assertTrue(e.getMessage().contains("--pooling"), e.getMessage());
    }

    @Test
    void poolingFallsBackToClsWithAWarning() {
        ModelDescription d = describe(List.of(IDS, MASK),
                                      config(List.of("BertModel"), List.of(), Optional.empty(), false, false));
        assertEquals(Pooling.CLS, d.pooling());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("CLS")), d.warnings().toString());
    }

    @Test
    void anOperatorPoolingOverridesTheDirectory() {
        DirectoryConfig config = config(List.of("BertModel"), List.of(), Optional.of(Pooling.MEAN), true, true);
        GraphSignature graph = new GraphSignature(List.of(IDS, MASK), List.of(hidden()));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config, graph,
                                                Optional.of(Pooling.MAX));
        assertEquals(Pooling.MAX, d.pooling());
    }

    @Test
    void normalisationFollowsTheNormalizeModuleForSentenceTransformersModels() {
        assertTrue(describe(List.of(IDS), config(List.of(), List.of(), Optional.of(Pooling.MEAN), true, true))
                           .normalize());
        assertFalse(describe(List.of(IDS), config(List.of(), List.of(), Optional.of(Pooling.MEAN), true, false))
                            .normalize());
        // Not a sentence-transformers directory: TEI's default, normalised.
        assertTrue(describe(List.of(IDS), config(List.of(), List.of(), Optional.empty(), false, false))
                           .normalize());
    }

    record LengthCase(String name, Optional<Integer> sentence, Optional<Integer> tokenizer,
                      Optional<Integer> positions, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LengthCase> lengths() {
        return Stream.of(
                new LengthCase("sentence-transformers setting first", Optional.of(256), Optional.of(512),
                               Optional.of(512), 256),
                new LengthCase("then the tokenizer's", Optional.empty(), Optional.of(384), Optional.of(512), 384),
                new LengthCase("then the position table", Optional.empty(), Optional.empty(), Optional.of(128), 128),
                new LengthCase("never beyond the position table", Optional.of(1024), Optional.empty(),
                               Optional.of(512), 512),
                new LengthCase("512 when nothing says", Optional.empty(), Optional.empty(), Optional.empty(), 512));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void maxLengthPrecedence(LengthCase c) {
        DirectoryConfig config = new DirectoryConfig(List.of(), "bert", List.of(), false, c.positions(),
                                                     Optional.empty(), c.tokenizer(), c.sentence(), false,
                                                     Optional.empty(), true, false, List.of(), Map.of(),
                                                     Optional.empty());
        assertEquals(c.expected(), Discovery.maxLength(config, new ArrayList<>()));
    }

    @Test
    void labelsComeFromId2labelAndMultiLabelFromProblemType() {
        DirectoryConfig config = new DirectoryConfig(List.of("BertForSequenceClassification"), "bert",
                                                     List.of("a", "b", "c"), true, Optional.of(512),
                                                     Optional.of(30522), Optional.empty(), Optional.empty(), false,
                                                     Optional.empty(), true, false, List.of(), Map.of(),
                                                     Optional.empty());
        GraphSignature graph = new GraphSignature(List.of(IDS, MASK), List.of(
                new TensorSpec("logits", "FLOAT", List.of(-1L, 3L))));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config, graph,
                                                Optional.empty());
        assertEquals(List.of("a", "b", "c"), d.labels());
        assertTrue(d.multiLabel());
        assertEquals(Optional.of(30522), d.vocabSize());
    }

    @Test
    void missingLabelsAreNamedLikeTransformersDoes() {
        DirectoryConfig config = config(List.of("BertForSequenceClassification"), List.of(), Optional.empty(), false,
                                        false);
        GraphSignature graph = new GraphSignature(List.of(IDS), List.of(
                new TensorSpec("logits", "FLOAT", List.of(-1L, 2L))));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config, graph,
                                                Optional.empty());
        assertEquals(List.of("LABEL_0", "LABEL_1"), d.labels());
    }

    @Test
    void promptsComeFromTheSentenceTransformersConfigWithTheirDefault() {
        DirectoryConfig config = new DirectoryConfig(List.of("BertModel"), "bert", List.of(), false, Optional.of(512),
                                                     Optional.empty(), Optional.empty(), Optional.empty(), true,
                                                     Optional.of(Pooling.CLS), true, true, List.of(),
                                                     Map.of("query", "query: ", "passage", "passage: "),
                                                     Optional.of("query"));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config,
                                                new GraphSignature(List.of(IDS), List.of(hidden())),
                                                Optional.empty());
        assertEquals("query: ", d.promptPrefix(Optional.empty()));
        assertEquals("passage: ", d.promptPrefix(Optional.of("passage")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                  () -> d.promptPrefix(Optional.of("nope")));
        assertTrue(e.getMessage().contains("[passage, query]"), e.getMessage());
    }

    @Test
    void anUnknownDefaultPromptIsIgnoredWithAWarning() {
        DirectoryConfig config = new DirectoryConfig(List.of("BertModel"), "bert", List.of(), false, Optional.of(512),
                                                     Optional.empty(), Optional.empty(), Optional.empty(), true,
                                                     Optional.of(Pooling.CLS), true, true, List.of(), Map.of(),
                                                     Optional.of("query"));
        ModelDescription d = Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config,
                                                new GraphSignature(List.of(IDS), List.of(hidden())),
                                                Optional.empty());
        assertEquals("", d.promptPrefix(Optional.empty()));
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("default_prompt_name")));
    }

    private static TensorSpec hidden() {
        return new TensorSpec("last_hidden_state", "FLOAT", List.of(-1L, -1L, 384L));
    }

    private static ModelDescription describe(List<TensorSpec> inputs, DirectoryConfig config) {
        return Discovery.describe("m", DIR, DIR.resolve("model.onnx"), config,
                                  new GraphSignature(inputs, List.of(hidden())), Optional.empty());
    }

    private static DirectoryConfig config(List<String> architectures, List<String> labels, Optional<Pooling> pooling,
                                          boolean sentenceTransformers, boolean normalize) {
        return new DirectoryConfig(architectures, "bert", labels, false, Optional.of(512), Optional.of(30522),
                                   Optional.empty(), Optional.empty(), sentenceTransformers, pooling, true,
                                   normalize, List.of(), Map.of(), Optional.empty());
    }

    private static DirectoryConfig withDense(boolean normalize) {
        return withDense(normalize, true, Map.of());
    }

    private static DirectoryConfig withDense(boolean normalize, boolean poolingIncludesPrompt,
                                             Map<String, String> prompts) {
        return new DirectoryConfig(List.of("BertModel"), "bert", List.of(), false, Optional.of(512), Optional.of(30522),
                                   Optional.empty(), Optional.empty(), true, Optional.of(Pooling.MEAN),
                                   poolingIncludesPrompt, normalize, List.of("Dense (2_Dense)"), prompts,
                                   Optional.empty());
    }
}
