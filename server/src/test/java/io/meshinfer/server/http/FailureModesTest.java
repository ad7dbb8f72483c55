package io.meshinfer.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overload, inference failure and shutdown: each a JSON error with its status, and the server keeps serving. */
class FailureModesTest {
    static final Path TINY = Path.of(System.getProperty("meshinfer.testdata"), "models", "tiny-classifier");

    @Test
    void beyondMaxConcurrentRequestsTheAnswerIs429WithRetryAfter() throws Exception {
        // A long batch delay holds the first request's admission while the second arrives.
        try (TestServer server = TestServer.start("--max-concurrent-requests", "1", "--max-batch-delay", "1500000")) {
            CompletableFuture<Reply> first = CompletableFuture.supplyAsync(
                    () -> server.post("/embed", "{\"inputs\": \"first\"}"));
            Reply second = null;
            for (int i = 0; i < 50; i++) {
                Thread.sleep(20);
                second = server.post("/embed", "{\"inputs\": \"second\"}");
                if (second.status() == 429) {
                    break;
                }
            }
            assertEquals(429, second.status(), second.body());
            assertEquals("Overloaded", second.json().get("error_type").asText());
            assertEquals("1", second.headers().firstValue("retry-after").orElseThrow());
            assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
            assertEquals(200, server.post("/embed", "{\"inputs\": \"third\"}").status());
        }
    }

    @Test
    void aGraphThatFailsAtRunTimeIs424AndTheModelKeepsServing(@TempDir Path dir) throws IOException {
        // The directory claims 512 positions but the graph has 128: long inputs fail inside ONNX Runtime.
        try (var files = Files.list(TINY)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"max_position_embeddings\": 128", "\"max_position_embeddings\": 512"));
        Files.writeString(dir.resolve("tokenizer_config.json"), Files.readString(dir.resolve("tokenizer_config.json"))
                .replace("\"model_max_length\": 128", "\"model_max_length\": 512"));
        try (TestServer server = TestServer.start("--model", "broken=" + dir)) {
            Reply failed = server.post("/predict", "{\"inputs\": \"" + "word ".repeat(300) + "\"}");
            assertEquals(424, failed.status(), failed.body());
            assertEquals("Backend", failed.json().get("error_type").asText());
            assertTrue(failed.json().get("error").asText().contains("inference failed"), failed.body());
            assertEquals(200, server.post("/predict", "{\"inputs\": \"short\"}").status());
        }
    }

    @Test
    void requestsInFlightAtShutdownAreAnswered() throws Exception {
        // The batch delay keeps the request waiting in the batcher while the server is told to stop.
        TestServer server = TestServer.start("--max-batch-delay", "5000000");
        CompletableFuture<Reply> inFlight = CompletableFuture.supplyAsync(
                () -> server.post("/embed", "{\"inputs\": \"in flight\"}"));
        Thread.sleep(1500);
        long start = System.nanoTime();
        server.close();
        assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(500), "close waited for the request");
        assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).status());
    }
}
