package io.meshinfer.server.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.models.Model;
import io.meshinfer.models.batch.BatchListener;
import io.meshinfer.server.inference.Timings;

/**
 * The server's metrics: TEI's {@code te_*} names where TEI has one, {@code meshinfer_*} for the rest.
 * Durations are in seconds. Thread-safe.
 */
public final class ServerMetrics implements BatchListener {
    private static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10};
    private static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    private static final double[] TOKENS = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};

    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** Registers the per-model gauges. */
    public void watch(Model model) {
        registry.gauge("te_queue_size", "Inputs waiting for a batch", Map.of("model", model.name()),
                       model::queueDepth);
    }

    /**
     * Records one finished HTTP request.
     *
     * @param route   the route's pattern (never the raw path, to bound the label's values)
     * @param status  the response status code
     * @param errorType the {@code err} label when the request failed (TEI's values: validation, inference, ...)
     * @param timings   the request's phases; null when it never reached a model
     * @param totalNanos time from the request's arrival to its answer
     */
    public void request(String route, int status, String errorType, Timings timings, long totalNanos) {
        // TEI's label: whether the request carried one input or several.
        Map<String, String> methodLabel = Map.of("method", timings != null && timings.inputs() > 1 ? "batch" : "single");
        registry.increment("meshinfer_http_requests_total", "HTTP requests by route and status",
                           Map.of("route", route, "status", Integer.toString(status)), 1);
        registry.increment("te_request_count", "Inference requests received", methodLabel, 1);
        // TEI also counts per operation (te_embed_count, te_predict_success, ...).
        String perRoute = "te_" + route;
        registry.increment(perRoute + "_count", route + " requests received", Map.of(), 1);
        if (status < 400) {
            registry.increment("te_request_success", "Inference requests answered successfully", methodLabel, 1);
            registry.increment(perRoute + "_success", route + " requests answered successfully", Map.of(), 1);
        } else {
            registry.increment("te_request_failure", "Inference requests that failed, by error type",
                               Map.of("err", errorType), 1);
            registry.increment(perRoute + "_failure", route + " requests that failed, by error type",
                               Map.of("err", errorType), 1);
        }
        registry.observe("te_request_duration", "Total request time in seconds", Map.of(), SECONDS,
                         seconds(totalNanos));
        if (timings != null && status < 400) {
            registry.observe("te_request_tokenization_duration", "Tokenization time in seconds", Map.of(), SECONDS,
                             seconds(timings.tokenizationNanos()));
            registry.observe("te_request_queue_duration", "Time waiting for a batch in seconds", Map.of(), SECONDS,
                             seconds(timings.queueNanos()));
            registry.observe("te_request_inference_duration", "Inference time in seconds", Map.of(), SECONDS,
                             seconds(timings.inferenceNanos()));
            registry.observe("te_request_input_length", "Tokens per request", Map.of(), TOKENS, timings.tokens());
        }
    }

    /**
     * Registers the identity gauges, so that a certificate never expires unnoticed: seconds until our leaf
     * expires (negative once it has), whether identity and intentions are in hand, whether the Consul agent
     * answers, and the intentions index in force.
     */
    public void watch(ConnectService connect) {
        registry.gauge("meshinfer_leaf_expiry_seconds", "Seconds until our leaf certificate expires", Map.of(),
                       () -> connect.status().leafValidBefore()
                               .map(until -> (double) Duration.between(Instant.now(), until).toSeconds())
                               .orElse(0.0));
        registry.gauge("meshinfer_connect_ready", "1 when a valid leaf, the roots and the intentions are in hand",
                       Map.of(), () -> connect.ready() ? 1 : 0);
        registry.gauge("meshinfer_consul_agent_reachable", "1 when the Consul agent answers (always 1 in embedded "
                       + "mode)", Map.of(), () -> connect.status().agentReachable() ? 1 : 0);
        registry.gauge("meshinfer_intentions_index", "Index (Consul) or generation (file) of the intentions in force",
                       Map.of(), () -> connect.status().intentionsIndex());
    }

    /**
     * Records one per-request authorization decision.
     *
     * @param source the caller's service name, or {@code "unknown"} without a proven identity
     */
    public void authz(String source, boolean allowed, long nanos) {
        registry.increment("meshinfer_authz_decisions_total", "Per-request intention decisions by source service",
                           Map.of("source", source, "decision", allowed ? "allow" : "deny"), 1);
        registry.observe("meshinfer_authz_duration", "Per-request authorization time in seconds", Map.of(), SECONDS,
                         seconds(nanos));
    }

    /** Records a caller refused in the TLS handshake: {@code untrusted} identity or {@code denied} by intentions. */
    public void handshakeRefused(String kind) {
        registry.increment("meshinfer_handshake_refusals_total", "Callers refused in the mTLS handshake by kind",
                           Map.of("kind", kind), 1);
    }

    @Override
    public void batchDone(String model, int inputs, int paddedTokens, long inferenceNanos) {
        Map<String, String> labels = Map.of("model", model);
        registry.observe("te_batch_next_size", "Inputs per batch", labels, SIZES, inputs);
        registry.observe("te_batch_next_tokens", "Padded tokens per batch", labels, TOKENS, paddedTokens);
        registry.observe("te_batch_inference_duration", "Graph time per batch in seconds", labels, SECONDS,
                         seconds(inferenceNanos));
        registry.increment("te_batch_inference_count", "Batches run", labels, 1);
    }

    @Override
    public void inputDropped(String model) {
        registry.increment("meshinfer_batch_dropped_inputs_total", "Inputs dropped before inference because their "
                           + "caller had stopped waiting", Map.of("model", model), 1);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    private static double seconds(long nanos) {
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
