package io.meshinfer.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
            int attempts = 0;
            while (attempts < 50) {
                Thread.sleep(20);
                attempts++;
                second = server.post("/embed", "{\"inputs\": [\"second\"]}");
                if (second.status() == 429) {
                    break;
                }
            }
            assertEquals(429, second.status(), second.body());
            assertEquals("Overloaded", second.json().get("error_type").asText());
            assertEquals("1", second.headers().firstValue("retry-after").orElseThrow());
            assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
            // Refused before its inputs were read, the 429 still counts with TEI's label for its form.
            Map<String, Double> samples = server.metricSamples();
            assertEquals(1.0, samples.get("te_request_failure{err=\"overloaded\"}"), samples::toString);
            assertEquals(attempts, samples.get("te_request_count{method=\"batch\"}"), samples::toString);
            assertEquals(200, server.post("/embed", "{\"inputs\": \"third\"}").status());
        }
    }

    @Test
    void aRequestWhoseDeadlinePassesInTheQueueIs504AndItsInputNeverRuns() throws Exception {
        // The long batch delay holds the first batch open; the second request joins it and its deadline passes.
        try (TestServer server = TestServer.start("--max-batch-delay", "1500000")) {
            CompletableFuture<Reply> first = CompletableFuture.supplyAsync(
                    () -> server.post("/embed", "{\"inputs\": \"no deadline\"}"));
            Thread.sleep(200);
            long start = System.nanoTime();
            Reply late = server.post("/embed", "{\"inputs\": \"in a hurry\"}", "x-request-timeout-ms", "300");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, late.status(), late.body());
            assertEquals("Timeout", late.json().get("error_type").asText());
            assertTrue(waitedMillis < 1200, "answered at the deadline, not with the batch: " + waitedMillis + " ms");
            assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
            String metrics = server.admin("/metrics").body();
            assertTrue(metrics.contains("meshinfer_batch_dropped_inputs_total{model=\"all-MiniLM-L6-v2\"} 1"),
                       metrics);
            assertTrue(metrics.contains("te_batch_next_size_sum{model=\"all-MiniLM-L6-v2\"} 1"), metrics);
            assertTrue(metrics.contains("te_request_failure{err=\"timeout\"} 1"), metrics);
        }
    }

    @Test
    void envoysExpectedTimeoutIsTheCallersDeadlineAndTheSmallerOfTwoWins() {
        try (TestServer server = TestServer.start("--max-batch-delay", "1000000")) {
            Reply envoy = server.post("/embed", "{\"inputs\": \"behind envoy\"}",
                                      "x-envoy-expected-rq-timeout-ms", "100");
            assertEquals(504, envoy.status(), envoy.body());
            assertTrue(envoy.json().get("error").asText().contains("100 ms"), envoy.body());
            Reply both = server.post("/embed", "{\"inputs\": \"both\"}", "x-envoy-expected-rq-timeout-ms",
                                     "60000", "x-request-timeout-ms", "150");
            assertEquals(504, both.status(), both.body());
            assertTrue(both.json().get("error").asText().contains("150 ms"), both.body());
            Reply roomy = server.post("/embed", "{\"inputs\": \"roomy\"}", "x-request-timeout-ms", "20000");
            assertEquals(200, roomy.status(), roomy.body());
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
    void requestsInFlightAtShutdownAreAnsweredWhileHealthAndReadinessSay503() throws Exception {
        // The batch delay keeps the request waiting in the batcher while the server is told to stop.
        TestServer server = TestServer.start("--max-batch-delay", "5000000");
        assertEquals(200, server.get("/health").status());
        assertEquals(200, server.admin("/ready").status());
        CompletableFuture<Reply> inFlight = CompletableFuture.supplyAsync(
                () -> server.post("/embed", "{\"inputs\": \"in flight\"}"));
        Thread.sleep(1500);
        long start = System.nanoTime();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
        Reply ready = server.admin("/ready");
        for (int i = 0; i < 100 && ready.status() == 200; i++) {
            Thread.sleep(10);
            ready = server.admin("/ready");
        }
        assertEquals(503, ready.status(), "draining is not ready");
        Reply health = server.get("/health");
        assertEquals(503, health.status(), health.body());
        assertEquals("Unhealthy", health.json().get("error_type").asText());
        assertEquals(503, server.get("/models/all-MiniLM-L6-v2/ping").status());
        closed.get(30, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(500), "close waited for the request");
        assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).status());
    }
}
