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
        assertEquals(SINGLE, shape(ShapeRule.inputs("input"), "{\"input\": \"a\"}"), "OpenAI's field");
    }

    @Test
    void embeddingInputsThatTeisTypesCannotHoldHaveNoShape() {
        ShapeRule rule = ShapeRule.inputs("inputs");
        for (String inputs : new String[] {"5", "{}", "[\"a\", 5]", "[-1]", "[4294967296]", "[1.5]", "[[\"a\"]]",
                "[[1.5]]", "[[null]]", "[null]"}) {
            assertEquals(NEITHER, shape(rule, "{\"inputs\": " + inputs + "}"), inputs);
        }
        assertEquals(SINGLE, shape(rule, "{\"inputs\": [4294967295]}"), "the largest u32");
        assertEquals(NEITHER, shape(rule, "{\"input\": \"a\"}"));
    }

    @Test
    void predictInputsAreOneWhenATextOrAPairAndABatchWhenAListOfThem() {
        ShapeRule rule = ShapeRule.sequences();
        assertEquals(SINGLE, shape(rule, "{\"inputs\": \"a\"}"));
        assertEquals(SINGLE, shape(rule, "{\"inputs\": [\"a\"]}"));
        assertEquals(SINGLE, shape(rule, "{\"inputs\": [\"a\", \"b\"]}"), "one pair");
        assertEquals(BATCH, shape(rule, "{\"inputs\": [[\"a\", \"b\"], [\"c\"]]}"));
        for (String inputs : new String[] {"[]", "[\"a\", \"b\", \"c\"]", "[5]", "[\"a\", 5]", "[\"a\", [\"b\"]]",
                "[null]", "[[]]", "[[1]]", "[[\"a\", \"b\", \"c\"]]", "[[\"a\"], \"b\"]"}) {
            assertEquals(NEITHER, shape(rule, "{\"inputs\": " + inputs + "}"), inputs);
        }
    }

    @Test
    void rerankAndSimilarityAreAlwaysBatchesOnceTheirFieldsHaveTheirTypes() {
        assertEquals(BATCH, shape(ShapeRule.rerank(), "{\"query\": \"q\", \"texts\": [\"a\"]}"));
        assertEquals(NEITHER, shape(ShapeRule.rerank(), "{\"query\": \"q\"}"));
        assertEquals(NEITHER, shape(ShapeRule.rerank(), "{\"query\": 5, \"texts\": [\"a\"]}"));
        assertEquals(NEITHER, shape(ShapeRule.rerank(), "{\"query\": \"q\", \"texts\": \"a\"}"));
        assertEquals(BATCH, shape(ShapeRule.similarity(),
                                  "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"b\"]}}"));
        assertEquals(NEITHER, shape(ShapeRule.similarity(), "{\"inputs\": \"a\"}"));
        assertEquals(NEITHER, shape(ShapeRule.similarity(), "{\"inputs\": {\"source_sentence\": \"a\"}}"));
    }

    @Test
    void tokenizeTakesTextsAndDecodeListsOfIds() {
        assertEquals(SINGLE, shape(ShapeRule.texts(), "{\"inputs\": \"a\"}"));
        assertEquals(BATCH, shape(ShapeRule.texts(), "{\"inputs\": [\"a\"]}"));
        assertEquals(NEITHER, shape(ShapeRule.texts(), "{\"inputs\": [101]}"), "ids are no tokenize input");
        assertEquals(SINGLE, shape(ShapeRule.ids(), "{\"ids\": [101, 102]}"));
        assertEquals(BATCH, shape(ShapeRule.ids(), "{\"ids\": [[101], [102]]}"));
        assertEquals(NEITHER, shape(ShapeRule.ids(), "{\"ids\": \"101\"}"));
        assertEquals(NEITHER, shape(ShapeRule.ids(), "{\"ids\": [[101], \"a\"]}"));
    }

    private static Optional<InputShape> shape(ShapeRule rule, String json) {
        return rule.of(JsonBody.parse(json.getBytes(StandardCharsets.UTF_8)), null);
    }
}
