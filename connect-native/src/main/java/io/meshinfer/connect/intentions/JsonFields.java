package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * One JSON object, read the way Consul's decoder reads config entries: keys match without regard to case, a few
 * documented snake_case aliases are accepted, and every problem names the field with its path. A missing string
 * reads as empty, as in Go. Not thread-safe: one instance per object read.
 */
final class JsonFields {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    // The alias tags of Consul's intention structs (agent/structs/config_entry_intentions.go), lower case.
    private static final Map<String, String> ALIASES = Map.of(
            "path_exact", "pathexact",
            "path_prefix", "pathprefix",
            "path_regex", "pathregex",
            "sameness_group", "samenessgroup",
            "verify_claims", "verifyclaims");

    private final String where;
    private final Map<String, Map.Entry<String, JsonNode>> byKey = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    private JsonFields(String where) {
        this.where = where;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidIntentionException("", "input is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** @param where the path of this object, e.g. {@code Sources[2]}; empty at the top. */
    static JsonFields of(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new InvalidIntentionException(where, "must be a JSON object");
        }
        JsonFields fields = new JsonFields(where);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (fields.byKey.putIfAbsent(canonical(field.getKey()), field) != null) {
                throw new InvalidIntentionException(fields.path(field.getKey()),
                        "is given twice (keys are matched without case)");
            }
        }
        return fields;
    }

    String where() {
        return where;
    }

    String path(String key) {
        return where.isEmpty() ? key : where + "." + key;
    }

    /** Builds a model value, putting this object's path in front of any problem it reports. */
    <T> T build(Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidIntentionException e) {
            throw e.within(where);
        }
    }

    /** As {@link #build(Supplier)}, for a value made of several of this object's keys, named {@code part}. */
    <T> T build(String part, Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidIntentionException e) {
            throw e.within(path(part));
        }
    }

    InvalidIntentionException invalid(String key, String problem) {
        return new InvalidIntentionException(path(key), problem);
    }

    String text(String key) {
        JsonNode node = value(key);
        if (node == null) {
            return "";
        }
        if (!node.isTextual()) {
            throw invalid(key, "must be a string");
        }
        return node.textValue();
    }

    boolean flag(String key) {
        JsonNode node = value(key);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid(key, "must be true or false");
        }
        return node.booleanValue();
    }

    List<String> texts(String key) {
        List<String> out = new ArrayList<>();
        List<JsonNode> items = items(key);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isTextual()) {
                throw invalid(key + "[" + i + "]", "must be a string");
            }
            out.add(items.get(i).textValue());
        }
        return out;
    }

    Optional<JsonFields> object(String key) {
        JsonNode node = value(key);
        return node == null ? Optional.empty() : Optional.of(of(node, path(key)));
    }

    List<JsonFields> objects(String key) {
        List<JsonFields> out = new ArrayList<>();
        List<JsonNode> items = items(key);
        for (int i = 0; i < items.size(); i++) {
            out.add(of(items.get(i), path(key + "[" + i + "]")));
        }
        return out;
    }

    /** Accepts keys whose values this reader has no use for. */
    void ignore(String... keys) {
        for (String key : keys) {
            read.add(canonical(key));
        }
    }

    /** Refuses any key not read or ignored so far, as Consul refuses unknown config keys. */
    void rejectUnknown() {
        for (Map.Entry<String, Map.Entry<String, JsonNode>> field : byKey.entrySet()) {
            if (!read.contains(field.getKey())) {
                throw invalid(field.getValue().getKey(), "is not a known key");
            }
        }
    }

    private List<JsonNode> items(String key) {
        JsonNode node = value(key);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(key, "must be a JSON array");
        }
        List<JsonNode> items = new ArrayList<>(node.size());
        node.forEach(items::add);
        return items;
    }

    /** The value, or null when the key is absent or JSON null (Go's zero value). */
    private JsonNode value(String key) {
        String canonical = canonical(key);
        read.add(canonical);
        Map.Entry<String, JsonNode> field = byKey.get(canonical);
        return field == null || field.getValue().isNull() ? null : field.getValue();
    }

    private static String canonical(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(lower, lower);
    }
}
