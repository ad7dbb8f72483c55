package io.meshinfer.server.http;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;

import io.meshinfer.models.ModelDescription;

/**
 * The {@code inputs} of embedding-style requests: a string, an array of strings, an array of token ids, or an
 * array of arrays of token ids. Each input is either a text or a list of ids.
 */
public final class Inputs {
    /** One input: exactly one of {@code text} and {@code ids} is non-null. */
    public record Input(String text, long[] ids) {
    }

    private Inputs() {
    }

    /**
     * Parses and validates inputs.
     *
     * @param node     the JSON value
     * @param field    the field's name, for messages
     * @param maxBatch most inputs allowed
     * @param model    the model the token ids are for
     * @throws ApiException 422 for a wrong shape, an empty input or a token id outside the model's vocabulary, 413
     *                      for too many inputs
     */
    public static List<Input> parse(JsonNode node, String field, int maxBatch, ModelDescription model) {
        List<Input> inputs = new ArrayList<>();
        if (node.isTextual()) {
            inputs.add(text(JsonBody.text(node, field), field));
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                throw ApiException.empty(field, "`" + field + "` cannot be empty");
            }
            JsonNode first = node.get(0);
            if (first.isIntegralNumber()) {
                inputs.add(ids(JsonBody.ids(node, field), field, model));
            } else {
                // Before any element is read, as TEI does: too many inputs is a 413 whatever they hold.
                checkBatchSize(node.size(), maxBatch, field);
                for (JsonNode element : node) {
                    if (element.isTextual()) {
                        inputs.add(text(JsonBody.text(element, field), field));
                    } else if (element.isArray()) {
                        inputs.add(ids(JsonBody.ids(element, field), field, model));
                    } else {
                        throw shape(field);
                    }
                }
            }
        } else {
            throw shape(field);
        }
        return inputs;
    }

    /**
     * The request's prompt ({@code prompt_name}, else the model's default prompt), to put before every text; empty
     * when there is none.
     *
     * @throws ApiException 422 for a prompt the model does not have
     */
    public static String promptPrefix(JsonBody body, ModelDescription model) {
        try {
            return model.promptPrefix(body.string("prompt_name"));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("prompt_name", e.getMessage());
        }
    }

    /** The inputs with {@code prefix} put before every text; token-id inputs are left as they are. */
    public static List<Input> prompted(List<Input> inputs, String prefix) {
        if (prefix.isEmpty()) {
            return inputs;
        }
        return inputs.stream().map(i -> i.text() == null ? i : new Input(prefix + i.text(), null)).toList();
    }

    /**
     * A 422 when a token id is not in the model's vocabulary (when {@code config.json} gives its size): out-of-range
     * ids would otherwise fail inside the graph or decode to nothing.
     */
    public static void requireInVocabulary(long[] ids, ModelDescription model, String field) {
        if (model.vocabSize().isEmpty()) {
            return;
        }
        int size = model.vocabSize().get();
        for (long id : ids) {
            if (id >= size) {
                throw ApiException.validation(field, "token id " + id + " is outside the vocabulary of model "
                        + model.name() + " (size " + size + ")");
            }
        }
    }

    /** A 413 when a request carries more inputs than {@code --max-client-batch-size}. */
    public static void checkBatchSize(int size, int maxBatch, String field) {
        if (size > maxBatch) {
            throw new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, ErrorType.BATCH_SIZE,
                                   "batch size " + size + " > maximum allowed batch size " + maxBatch, field);
        }
    }

    /** A non-empty text. */
    public static String nonEmpty(String text, String field) {
        if (text.isEmpty()) {
            throw ApiException.empty(field, "`" + field + "` cannot contain an empty string");
        }
        return text;
    }

    /** A text pair is empty only when both sides are, as in TEI: a pair with one side is still a question. */
    public static void requirePairNotEmpty(String first, String second, String field) {
        if (first.isEmpty() && second.isEmpty()) {
            throw ApiException.empty(field, "`" + field + "` cannot contain a pair of empty strings");
        }
    }

    private static Input text(String text, String field) {
        return new Input(nonEmpty(text, field), null);
    }

    private static Input ids(long[] ids, String field, ModelDescription model) {
        if (ids.length == 0) {
            throw ApiException.empty(field, "`" + field + "` cannot contain an empty list of token ids");
        }
        requireInVocabulary(ids, model, field);
        return new Input(null, ids);
    }

    private static ApiException shape(String field) {
        return ApiException.validation(field, "`" + field + "` must be a string, an array of strings, an array of "
                + "token ids or an array of arrays of token ids");
    }
}
