package io.meshinfer.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.meshinfer.server.inference.InputShape;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** TEI's {@code method} label, read from the JSON form of a request's inputs as TEI's request types read it. */
class ShapeRuleTest {
    private static final Optional<InputShape> SINGLE = Optional.of(InputShape.SINGLE);
    private static final Optional<InputShape> BATCH = Optional.of(InputShape.BATCH);
    private static final Optional<InputShape> NEITHER = Optional.empty();

    @Test
    void embeddingInputsAreOneWhenAStringOrOneListOfIdsAndABatchWhenAListOfThem() {
        ShapeRule rule = ShapeRule.inputs("inputs");
        assertEquals(SINGLE, shape(rule, "{\"inputs\": \"a\"}"));
        assertEquals(SINGLE, shape(rule, "{\"inputs\": [101, 102]}"));
        assertEquals(SINGLE, shape(rule, "{\"inputs\": []}"), "an empty list of ids, which then fails validation");
        assertEquals(BATCH, shape(rule, "{\"inputs\": [\"a\"]}"), "a batch of one is a batch");
        assertEquals(BATCH, shape(rule, "{\"inputs\": [[101], \"b\"]}"));
        assertEquals(NEITHER, shape(rule, "{\"inputs\": [\"a\", 5]}"));
        assertEquals(NEITHER, shape(rule, "{\"inputs\": 5}"));
        assertEquals(NEITHER, shape(rule, "{\"input\": \"a\"}"));
        assertEquals(SINGLE, shape(ShapeRule.inputs("input"), "{\"input\": \"a\"}"), "OpenAI's field");
    }

    @Test
    void predictInputsAreOneWhenATextOrAPairAndABatchWhenAListOfLists() {
        ShapeRule rule = ShapeRule.sequences();
        assertEquals(SINGLE, shape(rule, "{\"inputs\": \"a\"}"));
        assertEquals(SINGLE, shape(rule, "{\"inputs\": [\"a\"]}"));
        assertEquals(SINGLE, shape(rule, "{\"inputs\": [\"a\", \"b\"]}"), "one pair");
        assertEquals(BATCH, shape(rule, "{\"inputs\": [[\"a\", \"b\"]]}"));
        assertEquals(NEITHER, shape(rule, "{\"inputs\": [\"a\", \"b\", \"c\"]}"), "neither a pair nor a batch");
        assertEquals(NEITHER, shape(rule, "{\"inputs\": []}"));
    }

    @Test
    void rerankAndSimilarityAreAlwaysBatchesOnceTheirFieldsArePresent() {
        ShapeRule rerank = ShapeRule.batchOf("query", "texts");
        assertEquals(BATCH, shape(rerank, "{\"query\": \"q\", \"texts\": [\"a\"]}"));
        assertEquals(NEITHER, shape(rerank, "{\"query\": \"q\"}"));
        assertEquals(BATCH, shape(ShapeRule.batchOf("inputs"), "{\"inputs\": {\"source_sentence\": \"a\"}}"));
    }

    @Test
    void decodeIdsAreOneListOrAListOfLists() {
        assertEquals(SINGLE, shape(ShapeRule.ids(), "{\"ids\": [101, 102]}"));
        assertEquals(BATCH, shape(ShapeRule.ids(), "{\"ids\": [[101], [102]]}"));
        assertEquals(NEITHER, shape(ShapeRule.ids(), "{\"ids\": \"101\"}"));
    }

    private static Optional<InputShape> shape(ShapeRule rule, String json) {
        return rule.of(JsonBody.parse(json.getBytes(StandardCharsets.UTF_8)), null);
    }
}
