package io.meshinfer.server.http;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static io.meshinfer.server.TestServer.delta;
import static io.meshinfer.server.http.JsonVectors.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding routes of the built-in default model, over real HTTP. */
class EmbeddingApiTest {
    @RegisterExtension
    static final TestServer server = TestServer.start();

    @Test
    void embedAnswersOneNormalisedVectorPerInput() {
        Reply reply = server.post("/embed", "{\"inputs\": [\"What is Deep Learning?\", \"hello\"]}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(2, reply.json().size());
        assertEquals(384, reply.json().get(0).size());
        assertEquals(1.0, norm(reply.json().get(0)), 1e-5);
    }

    @Test
    void embedOfAStringIsStillAList() {
        Reply reply = server.post("/embed", "{\"inputs\": \"hello\"}");
        assertEquals(200, reply.status());
        assertEquals(1, reply.json().size());
    }

    @Test
    void everyResponseCarriesTeiTimingHeaders() {
        List<Reply> replies = List.of(server.post("/embed", "{\"inputs\": \"hello\"}"),
                                      server.post("/embed", "{\"inputs\": []}"), server.get("/health"),
                                      server.get("/info"), server.get("/nowhere"), server.get("/embed"));
        assertEquals(List.of(200, 400, 200, 200, 404, 405), replies.stream().map(Reply::status).toList());
        for (Reply reply : replies) {
            for (String header : new String[] {"x-total-time", "x-tokenization-time", "x-queue-time",
                    "x-inference-time"}) {
                assertTrue(reply.headers().firstValue(header).isPresent(), header + " on " + reply.body());
            }
            Map<String, Double> phases = serverTiming(reply);
            assertEquals(List.of("authz", "tokenization", "queue", "inference", "total"), List.copyOf(phases.keySet()));
            assertEquals(Math.floor(phases.get("total")),
                         Double.parseDouble(reply.headers().firstValue("x-total-time").orElseThrow()));
        }
        // The phases of an answer that ran the graph are its own, and lie within its total.
        Map<String, Double> ran = serverTiming(replies.getFirst());
        assertTrue(ran.get("tokenization") > 0 && ran.get("inference") > 0, ran.toString());
        assertTrue(ran.get("tokenization") + ran.get("queue") + ran.get("inference") <= ran.get("total"),
                   ran.toString());
        assertEquals(Math.floor(ran.get("inference")),
                     Double.parseDouble(replies.getFirst().headers().firstValue("x-inference-time").orElseThrow()));
        // A refused body never reached the tokenizer or the graph.
        Map<String, Double> refused = serverTiming(replies.get(1));
        assertEquals(0.0, refused.get("tokenization") + refused.get("queue") + refused.get("inference"));
    }

    /** The {@code Server-Timing} phases in their order, in milliseconds. */
    private static Map<String, Double> serverTiming(Reply reply) {
        Map<String, Double> phases = new LinkedHashMap<>();
        for (String phase : reply.headers().firstValue("server-timing").orElseThrow().split(", ")) {
            String[] parts = phase.split(";dur=");
            phases.put(parts[0], Double.parseDouble(parts[1]));
        }
        return phases;
    }

    @Test
    void unnormalisedAndTruncatedDimensions() {
        Reply raw = server.post("/embed", "{\"inputs\": \"hello\", \"normalize\": false}");
        assertTrue(Math.abs(norm(raw.json().get(0)) - 1.0) > 1e-3);
        Reply small = server.post("/embed", "{\"inputs\": \"hello\", \"dimensions\": 64}");
        assertEquals(64, small.json().get(0).size());
        assertEquals(1.0, norm(small.json().get(0)), 1e-5);
    }

    @Test
    void infoDescribesTheDefaultModel() {
        Reply info = server.get("/info");
        assertEquals(200, info.status());
        assertEquals("all-MiniLM-L6-v2", info.json().get("model_id").asText());
        assertEquals("mean", info.json().at("/model_type/embedding/pooling").asText());
        assertEquals(256, info.json().get("max_input_length").asInt());
    }

    @Test
    void adminListenerServesReadinessAndMetrics() {
        assertEquals(200, server.admin("/ready").status());
        assertEquals(200, server.admin("/health").status());
        server.post("/embed", "{\"inputs\": \"hello\"}");
        server.post("/embed", "{\"inputs\": []}");
        Reply metrics = server.admin("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        for (String expected : new String[] {
                "# TYPE te_request_count counter", "te_request_count{method=\"single\"}",
                "meshinfer_http_requests_total{route=\"embed\",status=\"200\"}",
                "meshinfer_http_requests_total{route=\"embed\",status=\"400\"}",
                "te_request_failure{err=\"validation\"}", "te_embed_count ", "te_embed_success ",
                "te_embed_duration_bucket", "# TYPE te_request_duration histogram",
                "te_request_tokenization_duration_bucket", "te_request_queue_duration_bucket",
                "te_request_inference_duration_bucket", "te_batch_next_size_bucket", "te_batch_next_tokens_bucket",
                "te_queue_size{model=\"all-MiniLM-L6-v2\"} 0"}) {
            assertTrue(metrics.body().contains(expected), "missing " + expected + " in\n" + metrics.body());
        }
        assertEquals(404, server.admin("/nope").status());
    }

    @Test
    void probesAndUnknownRoutesCountOnlyAsHttpRequestsNotAsTeiInferenceRequests() {
        Map<String, Double> before = teRequestCounts();
        server.get("/health");
        server.get("/info");
        server.get("/nowhere");
        assertEquals(before, teRequestCounts());
        String metrics = server.admin("/metrics").body();
        assertTrue(metrics.contains("meshinfer_http_requests_total{route=\"health\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("meshinfer_http_requests_total{route=\"unknown\",status=\"404\"}"), metrics);
        assertFalse(metrics.contains("te_health_"), metrics);
        assertFalse(metrics.contains("te_unknown_"), metrics);
    }

    @Test
    void teisSeriesCountWhatTeisDo() {
        Map<String, Double> before = server.metricSamples();
        Reply two = server.post("/embed", "{\"inputs\": [\"hello\", \"hello world\"]}");
        assertEquals(200, two.status());
        server.post("/tokenize", "{\"inputs\": \"hello\"}");
        server.post("/embed", "{\"inputs\": [" + "\"a\",".repeat(32) + "\"a\"]}");
        Map<String, Double> after = server.metricSamples();
        assertEquals(2, delta(before, after, "te_request_count{method=\"batch\"}"), "the 413 counts, /tokenize not");
        assertEquals(0, delta(before, after, "te_request_count{method=\"single\"}"));
        assertEquals(1, delta(before, after, "te_request_success{method=\"batch\"}"));
        assertEquals(1, delta(before, after, "te_request_failure{err=\"batch_size\"}"));
        assertEquals(2, delta(before, after, "te_embed_count"), "inputs, not requests");
        assertEquals(2, delta(before, after, "te_embed_success"));
        assertEquals(2, delta(before, after, "te_embed_duration_count"));
        assertEquals(2, delta(before, after, "te_request_input_length_count"), "one sample per input");
        assertEquals(3 + 4, delta(before, after, "te_request_input_length_sum"), "[CLS] hello [SEP], + world");
        assertEquals(3 + 4, delta(before, after, "te_batch_next_tokens_sum{model=\"all-MiniLM-L6-v2\"}"),
                     "the inputs' own tokens, in one or two batches");
        double padded = delta(before, after, "meshinfer_batch_padded_tokens_sum{model=\"all-MiniLM-L6-v2\"}");
        assertTrue(padded == 8 || padded == 7, "both padded to 4 in one batch, or each alone: " + padded);
    }

    @Test
    void teisMethodLabelIsTheFormOfTheInputsNotHowManyThereAre() {
        Map<String, Double> before = server.metricSamples();
        assertEquals(200, server.post("/embed", "{\"inputs\": \"hello\"}").status());
        assertEquals(200, server.post("/embed", "{\"inputs\": [101, 7592, 102]}").status());
        assertEquals(200, server.post("/embed", "{\"inputs\": [\"hello\"]}").status());
        assertEquals(200, server.post("/v1/embeddings", "{\"input\": [\"hello\"]}").status());
        assertEquals(200, server.post("/similarity",
                "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"b\"]}}").status());
        Map<String, Double> after = server.metricSamples();
        assertEquals(2, delta(before, after, "te_request_count{method=\"single\"}"), "a string, one list of ids");
        assertEquals(3, delta(before, after, "te_request_count{method=\"batch\"}"), "arrays of one; similarity");
        assertEquals(3, delta(before, after, "te_request_success{method=\"batch\"}"));
        assertEquals(5, delta(before, after, "te_request_duration_count"));
    }

    @Test
    void aBodyNotOfItsRoutesFormCountsOnlyAsAnHttpRequest() {
        Map<String, Double> before = teRequestCounts();
        Map<String, Double> samplesBefore = server.metricSamples();
        assertEquals(400, server.post("/embed", "{\"inputs\": ").status());
        assertEquals(422, server.post("/embed", "{\"inputs\": 5}").status());
        assertEquals(422, server.post("/embed", "{\"text\": \"hello\"}").status());
        assertEquals(422, server.post("/embed", "{\"inputs\": [\"a\", 5]}").status());
        assertEquals(404, server.post("/models/nope/embed", "{\"inputs\": \"hello\"}").status());
        assertEquals(before, teRequestCounts(), "TEI refuses these before its handlers, which count");
        Map<String, Double> after = server.metricSamples();
        assertEquals(1, delta(samplesBefore, after, "meshinfer_http_requests_total{route=\"embed\",status=\"400\"}"));
        assertEquals(3, delta(samplesBefore, after, "meshinfer_http_requests_total{route=\"embed\",status=\"422\"}"));
        assertEquals(1, delta(samplesBefore, after, "meshinfer_http_requests_total{route=\"embed\",status=\"404\"}"));
    }

    /** Every {@code te_request_*} sample except the durations, which other tests' requests may move. */
    private static Map<String, Double> teRequestCounts() {
        Map<String, Double> counts = new HashMap<>(server.metricSamples());
        counts.keySet().removeIf(k -> !k.startsWith("te_request_count") && !k.startsWith("te_request_success")
                && !k.startsWith("te_request_failure"));
        return counts;
    }
}
