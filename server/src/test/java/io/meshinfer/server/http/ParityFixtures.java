package io.meshinfer.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Hugging Face's reference outputs in {@code testdata/parity}, and JSON quoting for request bodies built from them. */
final class ParityFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParityFixtures() {
    }

    static JsonNode parity(String name) {
        try {
            return JSON.readTree(Path.of(System.getProperty("meshinfer.testdata"), "parity", name + ".json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A string as a JSON literal. */
    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
