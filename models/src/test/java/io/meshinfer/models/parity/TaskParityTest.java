package io.meshinfer.models.parity;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.ModelTask;
import io.meshinfer.models.TestModels;
import io.meshinfer.models.batch.Readout;
import io.meshinfer.models.heads.ClassificationHead;
import io.meshinfer.models.heads.LabelScore;
import io.meshinfer.models.heads.ScoreFunction;
import io.meshinfer.models.heads.TokenClassificationHead;
import io.meshinfer.models.heads.TokenClassificationHead.Aggregation;
import io.meshinfer.models.heads.TokenEntity;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Classification, reranking and token classification of tiny models (random weights, exported with optimum)
 * against the PyTorch model and the transformers pipelines, within 1e-4.
 */
class TaskParityTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-classifier", "tiny-multilabel"})
    void sequenceClassificationMatchesThePipeline(String name) throws Exception {
        try (Model model = TestModels.load(TestModels.testdata().resolve("models").resolve(name).toString())) {
            ModelDescription d = model.description();
            assertEquals(ModelTask.CLASSIFIER, d.task());
            assertEquals(name.equals("tiny-multilabel"), d.multiLabel());
            for (JsonNode c : Fixtures.cases(name)) {
                Encoding e = c.has("text_pair")
                        ? model.tokenizer().encodePair(c.get("text").asText(), c.get("text_pair").asText(), false,
                                                       TruncationDirection.RIGHT)
                        : model.tokenizer().encode(c.get("text").asText(), false, TruncationDirection.RIGHT);
                assertArrayEquals(Fixtures.longs(c.get("input_ids")), e.ids());
                assertArrayEquals(Fixtures.longs(c.get("token_type_ids")), e.typeIds());
                ModelOutput out = run(model, e);
                assertArrayEquals(Fixtures.floats(c.get("logits")), out.values(), (float) TOLERANCE);
                List<LabelScore> scores = ClassificationHead.scores(out, d.labels(),
                                                                    ScoreFunction.of(d.multiLabel(), d.labels().size()));
                JsonNode pipeline = c.get("pipeline");
                assertEquals(pipeline.size(), scores.size());
                for (int i = 0; i < scores.size(); i++) {
                    assertEquals(pipeline.get(i).get("label").asText(), scores.get(i).label());
                    assertEquals(pipeline.get(i).get("score").asDouble(), scores.get(i).score(), TOLERANCE);
                }
            }
        }
    }

    /**
     * A graph whose logits are float16 (the last node of a float16 export) reads as float32: the PyTorch logits
     * within float16's rounding, and the same labels ranked first.
     */
    @Test
    void aFloat16OutputReadsAsTheFloat32LogitsRounded() throws Exception {
        String dir = TestModels.testdata().resolve("models/tiny-classifier").toString();
        try (Model model = TestModels.load(dir, "model_fp16_output.onnx")) {
            assertEquals("float16", model.description().dtype());
            for (JsonNode c : Fixtures.cases("tiny-classifier")) {
                Encoding e = c.has("text_pair")
                        ? model.tokenizer().encodePair(c.get("text").asText(), c.get("text_pair").asText(), false,
                                                       TruncationDirection.RIGHT)
                        : model.tokenizer().encode(c.get("text").asText(), false, TruncationDirection.RIGHT);
                float[] expected = Fixtures.floats(c.get("logits"));
                float[] actual = run(model, e).values();
                assertEquals(expected.length, actual.length);
                for (int i = 0; i < expected.length; i++) {
                    // float16 keeps 11 significant bits: a relative error of at most 2^-11, plus the 1e-4 of
                    // ONNX Runtime against PyTorch.
                    assertEquals(expected[i], actual[i], Math.abs(expected[i]) * 0x1p-11 + TOLERANCE, c.toString());
                }
                List<LabelScore> scores = ClassificationHead.scores(run(model, e), model.description().labels(),
                                                                    ScoreFunction.SOFTMAX);
                assertEquals(c.get("pipeline").get(0).get("label").asText(), scores.getFirst().label());
            }
        }
    }

    @Test
    void rerankerScoresMatchThePyTorchModel() throws Exception {
        try (Model model = TestModels.load(TestModels.testdata().resolve("models/tiny-reranker").toString())) {
            assertEquals(ModelTask.RERANKER, model.description().task());
            for (JsonNode c : Fixtures.cases("tiny-reranker")) {
                Encoding e = model.tokenizer().encodePair(c.get("query").asText(), c.get("text").asText(), false,
                                                          TruncationDirection.RIGHT);
                assertArrayEquals(Fixtures.longs(c.get("input_ids")), e.ids());
                assertArrayEquals(Fixtures.longs(c.get("token_type_ids")), e.typeIds());
                ModelOutput out = run(model, e);
                assertEquals(c.get("logit").asDouble(), ClassificationHead.relevance(out, true), TOLERANCE);
                assertEquals(c.get("score").asDouble(), ClassificationHead.relevance(out, false), TOLERANCE);
                // As a classifier (/predict), the one label scores as the transformers pipeline scores it.
                LabelScore only = ClassificationHead.scores(out, model.description().labels(),
                                                            ScoreFunction.of(false, 1)).getFirst();
                JsonNode pipeline = c.get("pipeline").get(0);
                assertEquals(pipeline.get("label").asText(), only.label());
                assertEquals(pipeline.get("score").asDouble(), only.score(), TOLERANCE);
            }
        }
    }

    @Test
    void tokenClassificationMatchesBothPipelineStrategies() throws Exception {
        try (Model model = TestModels.load(TestModels.testdata().resolve("models/tiny-ner").toString())) {
            ModelDescription d = model.description();
            assertEquals(ModelTask.TOKEN_CLASSIFIER, d.task());
            int entities = 0;
            for (JsonNode c : Fixtures.cases("tiny-ner")) {
                String text = c.get("text").asText();
                Encoding e = model.tokenizer().encode(text, false, TruncationDirection.RIGHT);
                assertArrayEquals(Fixtures.longs(c.get("input_ids")), e.ids());
                ModelOutput out = run(model, e);
                for (int t = 0; t < out.rows(); t++) {
                    assertArrayEquals(Fixtures.floats(c.get("logits").get(t)),
                                      java.util.Arrays.copyOfRange(out.values(), t * out.width(),
                                                                   (t + 1) * out.width()), (float) TOLERANCE);
                }
                for (Aggregation aggregation : Aggregation.values()) {
                    String key = aggregation == Aggregation.SIMPLE ? "simple" : "none";
                    List<TokenEntity> found = TokenClassificationHead.entities(
                            out, e, d.labels(), aggregation, model.tokenizer().tokenText(e, text));
                    JsonNode expected = c.get(key);
                    assertEquals(expected.size(), found.size(), key + " entities of " + text);
                    for (int i = 0; i < found.size(); i++) {
                        JsonNode x = expected.get(i);
                        TokenEntity y = found.get(i);
                        String label = aggregation == Aggregation.SIMPLE ? "entity_group" : "entity";
                        assertEquals(x.get(label).asText(), y.entity(), text);
                        assertEquals(x.get("score").asDouble(), y.score(), TOLERANCE, text);
                        assertEquals(x.get("word").asText(), y.word(), text);
                        assertEquals(x.get("start").asInt(), y.start(), text);
                        assertEquals(x.get("end").asInt(), y.end(), text);
                        if (aggregation == Aggregation.NONE) {
                            assertEquals(x.get("index").asInt(), y.index(), text);
                        }
                    }
                    entities += found.size();
                }
            }
            System.out.println("tiny-ner: " + entities + " entities compared");
        }
    }

    private static ModelOutput run(Model model, Encoding e) throws Exception {
        return model.submit(e, Readout.TASK, () -> false).get(60, TimeUnit.SECONDS);
    }
}
