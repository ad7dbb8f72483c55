package io.meshinfer.server.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;

import io.meshinfer.tokenizers.TruncationDirection;

/**
 * A request's JSON object with typed, validating accessors: a wrong type or value is a 422 naming the field.
 * Unknown fields are ignored, as TEI ignores them.
 */
public final class JsonBody {
    /** Strict as TEI's serde is: text after the JSON value, or a key given twice, makes a body malformed. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final ObjectNode root;

    private JsonBody(ObjectNode root) {
        this.root = root;
    }

    /**
     * Parses a request body.
     *
     * @throws ApiException 400 for bytes that are not JSON (or not UTF-8), 422 for JSON that is not an object
     */
    public static JsonBody parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST, "request body is empty; expected "
                    + "a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST,
                                   "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST,
                                   "request body is not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.validation("request body must be a JSON object");
        }
        return new JsonBody((ObjectNode) node);
    }

    /**
     * This body with the fields of its {@code parameters} object lifted to the top level (top-level fields win):
     * Hugging Face's {@code InferenceClient} sends options either way.
     */
    public JsonBody withParametersLifted() {
        JsonNode parameters = root.get("parameters");
        if (parameters == null || parameters.isNull()) {
            return this;
        }
        if (!parameters.isObject()) {
            throw ApiException.validation("parameters", "`parameters` must be an object");
        }
        ObjectNode merged = root.deepCopy();
        parameters.properties().forEach(e -> {
            if (!merged.hasNonNull(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            }
        });
        return new JsonBody(merged);
    }

    /** The field, absent when missing or {@code null}. */
    public Optional<JsonNode> field(String name) {
        JsonNode node = root.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    /** The field, or a 422 saying it is missing. */
    public JsonNode required(String name) {
        return field(name).orElseThrow(() -> ApiException.validation(name, "missing field `" + name + "`"));
    }

    public Optional<Boolean> bool(String name) {
        return field(name).map(n -> {
            if (!n.isBoolean()) {
                throw ApiException.validation(name, "`" + name + "` must be a boolean");
            }
            return n.booleanValue();
        });
    }

    public Optional<String> string(String name) {
        return field(name).map(n -> text(n, name));
    }

    /** A positive integer field. */
    public Optional<Integer> positiveInt(String name) {
        return field(name).map(n -> {
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 1) {
                throw ApiException.validation(name, "`" + name + "` must be a positive integer");
            }
            return n.intValue();
        });
    }

    /** {@code truncation_direction}: {@code Right} (default) or {@code Left}, case-insensitive. */
    public TruncationDirection truncationDirection() {
        return string("truncation_direction").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "right" -> TruncationDirection.RIGHT;
            case "left" -> TruncationDirection.LEFT;
            default -> throw ApiException.validation("truncation_direction",
                                                     "`truncation_direction` must be \"Right\" or \"Left\"");
        }).orElse(TruncationDirection.RIGHT);
    }

    /**
     * A JSON string, or a 422 naming the field. A lone surrogate escape ({@code "\ud800"}) is malformed JSON (400), as
     * TEI's serde reads it: it is no Unicode character, and the tokenizer would see a replacement in its place.
     */
    public static String text(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw ApiException.validation(field, "`" + field + "` must be a string");
        }
        String text = node.textValue();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST, "request body is not valid "
                        + "JSON: `" + field + "` holds a lone surrogate (\\u" + Integer.toHexString(c) + ")", field);
            }
        }
        return text;
    }

    /** A non-empty JSON array of strings. */
    public static List<String> texts(JsonNode node, String field) {
        if (!node.isArray()) {
            throw ApiException.validation(field, "`" + field + "` must be an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            out.add(text(element, field + "[]"));
        }
        return out;
    }

    /** A JSON array of token ids (non-negative integers). */
    public static long[] ids(JsonNode node, String field) {
        if (!node.isArray()) {
            throw ApiException.validation(field, "`" + field + "` must be an array of token ids");
        }
        long[] ids = new long[node.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = node.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 0
                    || id.longValue() > 0xFFFF_FFFFL) {
                throw ApiException.validation(field, "`" + field + "` must contain only non-negative integer token "
                        + "ids");
            }
            ids[i] = id.longValue();
        }
        return ids;
    }
}
