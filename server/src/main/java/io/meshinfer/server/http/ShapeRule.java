package io.meshinfer.server.http;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshinfer.models.ModelDescription;
import io.meshinfer.server.inference.InputShape;

/**
 * How a route's body reads as one input or a batch, read before the request is admitted so that a 429 is labelled
 * too. TEI decides by the JSON form its request types deserialize from, not by how many inputs there are:
 * {@code ["a"]} is a batch on {@code /embed}, {@code ["a", "b"]} is one pair on {@code /predict}. A body that is not
 * of the route's form has no shape; TEI refuses such a body before its handler and counts it nowhere.
 */
@FunctionalInterface
interface ShapeRule {
    Optional<InputShape> of(JsonBody body, ModelDescription model);

    /**
     * An embedding-style {@code field}: a string or a list of token ids is one input; a list of strings or of
     * token-id lists is a batch.
     */
    static ShapeRule inputs(String field) {
        return (body, model) -> body.field(field).flatMap(ShapeRule::ofInputs);
    }

    /** {@code /predict}'s {@code inputs}: a string or a one- or two-string array (a pair) is one; arrays a batch. */
    static ShapeRule sequences() {
        return (body, model) -> body.field("inputs").flatMap(ShapeRule::ofSequences);
    }

    /** {@code /decode}'s {@code ids}: one list of ids, or a list of them. */
    static ShapeRule ids() {
        return (body, model) -> body.field("ids").filter(JsonNode::isArray)
                .map(ids -> !ids.isEmpty() && ids.get(0).isArray() ? InputShape.BATCH : InputShape.SINGLE);
    }

    /** Always a batch once every one of {@code fields} is present ({@code /rerank}, {@code /similarity}). */
    static ShapeRule batchOf(String... fields) {
        return (body, model) -> {
            for (String field : fields) {
                if (body.field(field).isEmpty()) {
                    return Optional.empty();
                }
            }
            return Optional.of(InputShape.BATCH);
        };
    }

    private static Optional<InputShape> ofInputs(JsonNode node) {
        if (node.isTextual()) {
            return Optional.of(InputShape.SINGLE);
        }
        if (!node.isArray()) {
            return Optional.empty();
        }
        boolean ids = true;
        boolean batch = true;
        for (JsonNode element : node) {
            ids &= element.isIntegralNumber();
            batch &= element.isTextual() || element.isArray();
        }
        // An empty array reads as an empty list of ids, the first form TEI tries.
        return ids ? Optional.of(InputShape.SINGLE) : batch ? Optional.of(InputShape.BATCH) : Optional.empty();
    }

    private static Optional<InputShape> ofSequences(JsonNode node) {
        if (node.isTextual()) {
            return Optional.of(InputShape.SINGLE);
        }
        if (!node.isArray() || node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get(0).isArray()) {
            return Optional.of(InputShape.BATCH);
        }
        return node.size() <= 2 ? Optional.of(InputShape.SINGLE) : Optional.empty();
    }
}
