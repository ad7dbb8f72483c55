package io.meshinfer.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.models.builtin.BuiltinModels;
import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;
import io.meshinfer.server.config.ServerConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** sentence-transformers prompts: {@code prompt_name} puts the named prefix before each text. */
class PromptTest {
    @Test
    void aNamedPromptIsTheSameAsWritingItsPrefix(@TempDir Path dir) throws IOException {
        Path builtin = BuiltinModels.directory(BuiltinModels.DEFAULT, ServerConfig.defaults().cacheDir());
        try (var files = Files.walk(builtin)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(builtin.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, f);
            }
        }
        Files.delete(dir.resolve("config_sentence_transformers.json"));
        Files.writeString(dir.resolve("config_sentence_transformers.json"),
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
}
