package io.meshinfer.server.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.models.Model;
import io.meshinfer.models.ModelTask;
import io.meshinfer.models.batch.BatchListener;
import io.meshinfer.server.inference.InputShape;
import io.meshinfer.server.inference.Timings;
import io.meshinfer.server.metrics.PrometheusRegistry.Counter;
import io.meshinfer.server.metrics.PrometheusRegistry.Histogram;

/**
 * The server's metrics: TEI's {@code te_*} names where TEI has one, {@code meshinfer_*} for the rest.
 * Durations are in seconds. The series every request records are made once, not per request. Thread-safe.
 */
public final class ServerMetrics implements BatchListener {
    private static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10};
    private static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    private static final double[] TOKENS = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};

    /** Routes TEI keeps out of its request series: they use the tokenizer only. */
    private static final Set<String> TOKENIZER_ROUTES = Set.of("tokenize", "decode");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, Map<Integer, Counter>> statuses = new ConcurrentHashMap<>();
    private final Map<String, BatchSeries> batches = new ConcurrentHashMap<>();
    private final Map<String, Counter> failuresByType = new ConcurrentHashMap<>();
    private final Map<AuthzSource, Counter> authzDecisions = new ConcurrentHashMap<>();
    // Made on first use, so that a plain-HTTP server shows no authorization series.
    private volatile Histogram authzSeconds;
    // TEI's method label: the form of the request's inputs (InputShape).
    private final Counter singleRequests = requestCount(InputShape.SINGLE);
    private final Counter batchRequests = requestCount(InputShape.BATCH);
    private final Counter singleSuccesses = requestSuccess(InputShape.SINGLE);
    private final Counter batchSuccesses = requestSuccess(InputShape.BATCH);
    private final Histogram requestSeconds = registry.histogram("te_request_duration", "Total request time in seconds",
                                                                Map.of(), SECONDS);
    private final Histogram tokenizationSeconds = registry.histogram("te_request_tokenization_duration",
                                                                     "Tokenization time in seconds", Map.of(), SECONDS);
    private final Histogram queueSeconds = registry.histogram("te_request_queue_duration",
                                                              "Time waiting for a batch in seconds", Map.of(), SECONDS);
    private final Histogram inferenceSeconds = registry.histogram("te_request_inference_duration",
                                                                  "Inference time in seconds", Map.of(), SECONDS);
    private final Histogram inputTokens = registry.histogram("te_request_input_length", "Tokens per input", Map.of(),
                                                             TOKENS);
    private final OperationSeries embeds = operationSeries("embed");
    private final OperationSeries predictions = operationSeries("predict");

    /**
     * TEI's per-operation series ({@code te_embed_*}, {@code te_predict_*}), which count inputs, not requests.
     * meshinfer runs a request's inputs together, so each input records its request's times.
     */
    private record OperationSeries(Counter received, Counter succeeded, Histogram seconds,
                                   Histogram tokenizationSeconds, Histogram queueSeconds,
                                   Histogram inferenceSeconds) {
    }

    private record AuthzSource(String source, boolean allowed) {
    }

    private record BatchSeries(Histogram inputs, Histogram tokens, Histogram paddedTokens, Histogram seconds) {
    }

    /** Registers the per-model gauges. */
    public void watch(Model model) {
        registry.gauge("te_queue_size", "Inputs waiting for a batch", Map.of("model", model.name()),
                       model::queueDepth);
    }

    /**
     * Records one finished request that is not an inference request (a GET route, an unknown route or method, a
     * refusal before routing): only in {@code meshinfer_http_requests_total}, so that health probes and scans do
     * not count in TEI's inference series.
     */
    public void exchange(String route, int status) {
        statusCounter(route, status).add(1);
    }

    /**
     * Records one finished API request (a route that reads a body). A request counts in TEI's series only once its
     * body had its route's form ({@link Timings#shape()}), as TEI counts only the requests its handlers receive.
     * As in TEI, {@code /tokenize} and {@code /decode} count only their failures by type; the rest count in the
     * {@code te_request_*} series, and their inputs in {@code te_embed_*} or {@code te_predict_*} by the kind of
     * model they were tokenized for. Durations are recorded for successes only, as TEI records them.
     *
     * @param route   the route's pattern (never the raw path, to bound the label's values)
     * @param status  the response status code
     * @param errorType the {@code err} label when the request failed (TEI's values: validation, inference, ...)
     * @param timings   the request's form and phases (all zero when it failed before reaching a model)
     * @param totalNanos time from the request's arrival to its answer
     */
    public void request(String route, int status, String errorType, Timings timings, long totalNanos) {
        statusCounter(route, status).add(1);
        Optional<InputShape> shape = timings.shape();
        if (shape.isEmpty()) {
            return;
        }
        boolean succeeded = status < 400;
        if (!succeeded) {
            // Under overload every request is a fast 429: failures take the same path as successes.
            failuresByType.computeIfAbsent(errorType, err -> registry.counter(
                    "te_request_failure", "Inference requests that failed, by error type", Map.of("err", err))).add(1);
        }
        if (TOKENIZER_ROUTES.contains(route)) {
            return;
        }
        boolean batch = shape.get() == InputShape.BATCH;
        (batch ? batchRequests : singleRequests).add(1);
        int inputs = timings.inputs();
        if (succeeded) {
            (batch ? batchSuccesses : singleSuccesses).add(1);
            requestSeconds.record(seconds(totalNanos));
            tokenizationSeconds.record(seconds(timings.tokenizationNanos()));
            queueSeconds.record(seconds(timings.queueNanos()));
            inferenceSeconds.record(seconds(timings.inferenceNanos()));
        }
        for (int i = 0; i < inputs; i++) {
            inputTokens.record(timings.inputTokens(i));
        }
        timings.task().filter(task -> inputs > 0).ifPresent(task -> {
            OperationSeries operation = task == ModelTask.EMBEDDING ? embeds : predictions;
            operation.received.add(inputs);
            if (succeeded) {
                operation.succeeded.add(inputs);
                operation.seconds.record(seconds(totalNanos), inputs);
                operation.tokenizationSeconds.record(seconds(timings.tokenizationNanos() / inputs), inputs);
                operation.queueSeconds.record(seconds(timings.queueNanos()), inputs);
                operation.inferenceSeconds.record(seconds(timings.inferenceNanos()), inputs);
            }
        });
    }

    private Counter statusCounter(String route, int status) {
        return statuses.computeIfAbsent(route, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> registry.counter("meshinfer_http_requests_total",
                                                               "HTTP requests by route and status",
                                                               Map.of("route", route, "status", Integer.toString(s))));
    }

    private Counter requestCount(InputShape method) {
        return registry.counter("te_request_count", "Inference requests received", Map.of("method", method.label()));
    }

    private Counter requestSuccess(InputShape method) {
        return registry.counter("te_request_success", "Inference requests answered successfully",
                                Map.of("method", method.label()));
    }

    private OperationSeries operationSeries(String operation) {
        String prefix = "te_" + operation + "_";
        return new OperationSeries(
                registry.counter(prefix + "count", "Inputs received for " + operation, Map.of()),
                registry.counter(prefix + "success", "Inputs answered successfully for " + operation, Map.of()),
                registry.histogram(prefix + "duration", "Total time per input in seconds", Map.of(), SECONDS),
                registry.histogram(prefix + "tokenization_duration", "Tokenization time per input in seconds",
                                   Map.of(), SECONDS),
                registry.histogram(prefix + "queue_duration", "Time waiting for a batch per input in seconds",
                                   Map.of(), SECONDS),
                registry.histogram(prefix + "inference_duration", "Inference time per input in seconds", Map.of(),
                                   SECONDS));
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
        authzDecisions.computeIfAbsent(new AuthzSource(source, allowed), key -> registry.counter(
                "meshinfer_authz_decisions_total", "Per-request intention decisions by source service",
                Map.of("source", source, "decision", allowed ? "allow" : "deny"))).add(1);
        Histogram histogram = authzSeconds;
        if (histogram == null) {
            histogram = registry.histogram("meshinfer_authz_duration", "Per-request authorization time in seconds",
                                           Map.of(), SECONDS);
            authzSeconds = histogram;
        }
        histogram.record(seconds(nanos));
    }

    /** Records a caller refused in the TLS handshake: {@code untrusted} identity or {@code denied} by intentions. */
    public void handshakeRefused(String kind) {
        registry.increment("meshinfer_handshake_refusals_total", "Callers refused in the mTLS handshake by kind",
                           Map.of("kind", kind), 1);
    }

    @Override
    public void batchDone(String model, int inputs, int tokens, int paddedTokens, long inferenceNanos) {
        BatchSeries series = batches.computeIfAbsent(model, this::batchSeries);
        series.inputs.record(inputs);
        series.tokens.record(tokens);
        series.paddedTokens.record(paddedTokens);
        series.seconds.record(seconds(inferenceNanos));
    }

    private BatchSeries batchSeries(String model) {
        Map<String, String> labels = Map.of("model", model);
        return new BatchSeries(registry.histogram("te_batch_next_size", "Inputs per batch", labels, SIZES),
                               registry.histogram("te_batch_next_tokens", "Tokens per batch", labels, TOKENS),
                               registry.histogram("meshinfer_batch_padded_tokens", "Padded tokens per batch (what "
                                                  + "the graph computes)", labels, TOKENS),
                               registry.histogram("meshinfer_batch_inference_duration", "Graph time per batch in "
                                                  + "seconds", labels, SECONDS));
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
