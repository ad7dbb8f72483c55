package io.meshinfer.server.http;

import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshinfer.models.ModelDescription;
import io.meshinfer.server.inference.InputShape;

/**
 * How a route's body reads as one input or a batch, read before the request is admitted so that a 429 is labelled
 * too. TEI decides by the JSON form its request types deserialize from, not by how many inputs there are:
 * {@code ["a"]} is a batch on {@code /embed}, {@code ["a", "b"]} is one pair on {@code /predict}. A body whose
 * inputs are not of the route's form has no shape; TEI refuses such a body before its handler and counts it nowhere.
 */
@FunctionalInterface
interface ShapeRule {
    /** The largest token id TEI's {@code u32} ids hold. */
    long MAX_ID = 0xFFFF_FFFFL;

    Optional<InputShape> of(JsonBody body, ModelDescription model);

    /**
     * An embedding-style {@code field}: a string or a list of token ids is one input; a list whose elements are
     * strings or lists of token ids is a batch.
     */
    static ShapeRule inputs(String field) {
        return (body, model) -> body.field(field).flatMap(node -> {
            if (node.isTextual() || ids(node)) {
                // An empty array reads as an empty list of ids, the first form TEI tries.
                return Optional.of(InputShape.SINGLE);
            }
            return every(node, e -> e.isTextual() || ids(e)) ? Optional.of(InputShape.BATCH) : Optional.empty();
        });
    }

    /** {@code /tokenize}'s {@code inputs}: a string, or a list of strings. */
    static ShapeRule texts() {
        return (body, model) -> body.field("inputs").flatMap(node -> node.isTextual() ? Optional.of(InputShape.SINGLE)
                : every(node, JsonNode::isTextual) ? Optional.of(InputShape.BATCH) : Optional.empty());
    }

    /**
     * {@code /predict}'s {@code inputs}: a string or a pair ({@code [a, b]}, or {@code [a]}) is one input; a
     * non-empty list of such one- or two-string lists is a batch.
     */
    static ShapeRule sequences() {
        return (body, model) -> body.field("inputs").flatMap(node -> {
            if (node.isTextual() || sequence(node)) {
                return Optional.of(InputShape.SINGLE);
            }
            return !node.isEmpty() && every(node, ShapeRule::sequence) ? Optional.of(InputShape.BATCH)
                    : Optional.empty();
        });
    }

    /** {@code /decode}'s {@code ids}: one list of token ids, or a list of them. */
    static ShapeRule ids() {
        return (body, model) -> body.field("ids").flatMap(node -> ids(node) ? Optional.of(InputShape.SINGLE)
                : every(node, ShapeRule::ids) ? Optional.of(InputShape.BATCH) : Optional.empty());
    }

    /** {@code /rerank}: always a batch, once {@code query} is a string and {@code texts} a list of strings. */
    static ShapeRule rerank() {
        return (body, model) -> body.field("query").filter(JsonNode::isTextual).isPresent()
                && body.field("texts").filter(texts -> every(texts, JsonNode::isTextual)).isPresent()
                ? Optional.of(InputShape.BATCH) : Optional.empty();
    }

    /**
     * {@code /similarity}: always a batch, once {@code inputs} holds a string {@code source_sentence} and a list of
     * strings {@code sentences}.
     */
    static ShapeRule similarity() {
        return (body, model) -> body.field("inputs").filter(inputs -> inputs.path("source_sentence").isTextual()
                && every(inputs.path("sentences"), JsonNode::isTextual)).map(inputs -> InputShape.BATCH);
    }

    /** Whether {@code node} is an array and every element (if any) passes. */
    private static boolean every(JsonNode node, Predicate<JsonNode> test) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!test.test(element)) {
                return false;
            }
        }
        return true;
    }

    private static boolean ids(JsonNode node) {
        return every(node, id -> id.isIntegralNumber() && id.canConvertToLong() && id.longValue() >= 0
                && id.longValue() <= MAX_ID);
    }

    private static boolean sequence(JsonNode node) {
        return node.isArray() && (node.size() == 1 || node.size() == 2) && every(node, JsonNode::isTextual);
    }
}
