package io.meshinfer.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.models.builtin.BuiltinModels;
import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;
import io.meshinfer.server.config.ServerConfig;

import static io.meshinfer.server.http.JsonVectors.cosine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sentence-transformers prompts: {@code prompt_name} puts the named prefix before each text, and a Pooling module with
 * {@code include_prompt: false} pools the text alone.
 */
class PromptTest {
    @Test
    void aNamedPromptIsTheSameAsWritingItsPrefix(@TempDir Path dir) throws IOException {
        linkBuiltin(dir);
        replace(dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"query: \", \"passage\": \"passage: \", \"none\": \"\"}, "
                        + "\"default_prompt_name\": \"passage\"}");
        try (TestServer server = TestServer.start("--model", "p=" + dir)) {
            Reply named = server.post("/embed", "{\"inputs\": \"cats\", \"prompt_name\": \"query\"}");
            assertEquals(200, named.status(), named.body());
            assertEquals(server.post("/embed", "{\"inputs\": \"query: cats\", \"prompt_name\": \"none\"}").json(),
                         named.json());
            Reply byDefault = server.post("/embed", "{\"inputs\": \"cats\"}");
            assertEquals(server.post("/embed", "{\"inputs\": \"passage: cats\", \"prompt_name\": \"none\"}")
                                 .json(), byDefault.json());
            assertNotEquals(named.json(), byDefault.json());
            Reply tokens = server.post("/tokenize", "{\"inputs\": \"cats\", \"prompt_name\": \"query\"}");
            assertEquals("query", tokens.json().get(0).get(1).get("text").asText());
        }
    }

    @Test
    void aPoolingModuleWithoutThePromptPoolsTheTextAloneAsSentenceTransformersDoes(@TempDir Path dir)
            throws IOException {
        JsonNode reference = JsonBody.MAPPER.readTree(
                Path.of(System.getProperty("meshinfer.testdata"), "parity", "minilm-prompt-excluded.json").toFile());
        linkBuiltin(dir);
        replace(dir.resolve("1_Pooling/config.json"), reference.get("pooling_config").toString());
        replace(dir.resolve("config_sentence_transformers.json"), "{\"prompts\": {\"" + reference.get("prompt_name")
                .asText() + "\": " + reference.get("prompt") + "}}");
        try (TestServer server = TestServer.start("--model", "p=" + dir)) {
            for (JsonNode c : reference.get("cases")) {
                String text = c.get("text").toString();
                JsonNode prompted = server.post("/embed", "{\"inputs\": " + text + ", \"prompt_name\": \"query\"}")
                        .json().get(0);
                assertTrue(cosine(c.get("prompted"), prompted) >= 0.9999, "prompted " + text);
                assertTrue(cosine(c.get("prompt_included"), prompted) < 0.9999, "the prompt is left out: " + text);
                JsonNode plain = server.post("/embed", "{\"inputs\": " + text + "}").json().get(0);
                assertTrue(cosine(c.get("plain"), plain) >= 0.9999, "without a prompt " + text);
            }
        }
    }

    /** Links the built-in model's files into {@code dir}, so that a test can replace some of them. */
    private static void linkBuiltin(Path dir) throws IOException {
        Path builtin = BuiltinModels.directory(BuiltinModels.DEFAULT, ServerConfig.defaults().cacheDir());
        try (var files = Files.walk(builtin)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(builtin.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, f);
            }
        }
    }

    private static void replace(Path file, String content) throws IOException {
        Files.delete(file);
        Files.writeString(file, content);
    }
}
