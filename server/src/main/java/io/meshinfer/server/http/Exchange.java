package io.meshinfer.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.meshinfer.models.Model;
import io.meshinfer.models.batch.OverloadedException;
import io.meshinfer.models.runtime.Device;
import io.meshinfer.server.inference.CallerWait;
import io.meshinfer.server.inference.Inference;
import io.meshinfer.server.inference.Timings;
import io.meshinfer.server.metrics.ServerMetrics;
import io.meshinfer.server.socket.CallerConnections;

/**
 * Runs an {@link Endpoint} as a Helidon handler: reads and parses the body, picks the model, admits the request,
 * writes the JSON answer with TEI's timing headers, and turns every failure into a JSON error in the route's style
 * (TEI's or OpenAI's). Records the request's metrics. Thread-safe; one instance serves all routes.
 */
public final class Exchange {
    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
    // Made once: a header named by a string is looked up among the known names on every call.
    private static final HeaderName COMPUTE_TYPE = HeaderNames.create("x-compute-type");
    private static final HeaderName COMPUTE_TIME = HeaderNames.create("x-compute-time");
    private static final HeaderName COMPUTE_CHARACTERS = HeaderNames.create("x-compute-characters");
    private static final HeaderName COMPUTE_TOKENS = HeaderNames.create("x-compute-tokens");
    private static final HeaderName TOTAL_TIME = HeaderNames.create("x-total-time");
    private static final HeaderName AUTHZ_TIME = HeaderNames.create("x-authz-time");
    private static final HeaderName TOKENIZATION_TIME = HeaderNames.create("x-tokenization-time");
    private static final HeaderName QUEUE_TIME = HeaderNames.create("x-queue-time");
    private static final HeaderName INFERENCE_TIME = HeaderNames.create("x-inference-time");
    private static final HeaderName SERVER_TIMING = HeaderNames.create("Server-Timing");
    // The timings the authorization filter began, for the handler that runs inside it on the same thread. Not
    // Helidon's request context: creating one costs about 30 us a request right after a graph run.
    private static final ThreadLocal<Timings> AUTHORIZED = new ThreadLocal<>();

    /** How errors are written. */
    public enum Style {
        TEI, OPENAI;

        /** The style of a request path: OpenAI's under {@code /v1/} and on TEI's {@code /embeddings}, else TEI's. */
        static Style of(String path) {
            return path.startsWith("/v1/") || path.equals("/embeddings") ? OPENAI : TEI;
        }
    }

    private final Inference inference;
    private final ServerMetrics metrics;
    private final long payloadLimit;
    private final CallerConnections callers;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param callers the TLS listener's connections, to learn that a caller hung up */
    public Exchange(Inference inference, ServerMetrics metrics, long payloadLimit, CallerConnections callers) {
        this.inference = inference;
        this.metrics = metrics;
        this.payloadLimit = payloadLimit;
        this.callers = callers;
    }

    /**
     * A handler for a POST endpoint.
     *
     * @param route        the route's name for metrics
     * @param style        error style
     * @param modelField   a body field that may name the model ({@code model} on OpenAI routes), or null
     * @param shape        how the body reads as one input or a batch, for the metrics
     * @param endpoint     the operation
     */
    Handler post(String route, Style style, String modelField, ShapeRule shape, Endpoint endpoint) {
        return (req, res) -> {
            Timings timings = currentTimings();
            inFlight.incrementAndGet();
            try {
                // Outside the error handling: a send that fails means the caller has gone, which is the
                // connection's to handle, not a second outcome to record or answer.
                serve(req, res, route, style, modelField, shape, endpoint, timings)
                        .ifPresent(answer -> send(res, Status.OK_200, answer));
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    /**
     * Serves a POST up to its answer, with the timing headers set and the metrics recorded (before the answer leaves,
     * so that a scrape that follows the answer includes it); empty when an error has been answered instead.
     */
    private Optional<Object> serve(ServerRequest req, ServerResponse res, String route, Style style, String modelField,
                                   ShapeRule shape, Endpoint endpoint, Timings timings) {
        try {
            JsonBody body = JsonBody.parse(readBody(req, res));
            CallerWait wait = DeadlineHeaders.waitOf(req.headers(), timings,
                                                     callers.hangUp(req.remotePeer().address()));
            Optional<String> name = req.path().pathParameters().first("name").asOptional();
            if (name.isEmpty() && modelField != null) {
                name = body.string(modelField).filter(n -> !n.isBlank());
            }
            Model model = inference.model(name);
            shape.of(body, model.description()).ifPresent(timings::recordShape);
            Object answer;
            try (var admission = model.admit()) {
                answer = endpoint.serve(new Call(body, model, inference, timings, wait));
            }
            timingHeaders(res, model, timings);
            metrics.request(route, 200, "", timings, timings.totalNanos());
            return Optional.of(answer);
        } catch (OverloadedException e) {
            failInference(res, route, style, new ApiException(Status.TOO_MANY_REQUESTS_429, ErrorType.OVERLOADED,
                                                              e.getMessage()), timings);
        } catch (ApiException e) {
            failInference(res, route, style, e, timings);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure on " + req.path().path(), e);
            failInference(res, route, style, new ApiException(Status.INTERNAL_SERVER_ERROR_500, ErrorType.BACKEND,
                                                              "internal error: " + e.getClass().getSimpleName()),
                          timings);
        }
        return Optional.empty();
    }

    /** Runs the rest of an authorized request (routing and its handler) with the timings the filter began. */
    void proceed(Timings timings, Runnable rest) {
        AUTHORIZED.set(timings);
        try {
            rest.run();
        } finally {
            AUTHORIZED.remove();
        }
    }

    /** The request's timings: begun by the authorization filter when the listener has one, else now. */
    private static Timings currentTimings() {
        Timings timings = AUTHORIZED.get();
        return timings != null ? timings : new Timings();
    }

    /**
     * Waits until no POST request is being served, or the timeout passes; used to drain before shutdown.
     *
     * @return whether the server went idle in time
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** A handler that answers every request with the given error (unknown routes, wrong methods). */
    public Handler always(String route, Style style, ApiException error) {
        return (req, res) -> {
            Timings timings = currentTimings();
            drain(req);
            fail(res, route, style, error, timings);
        };
    }

    /** Refuses a request before routing (authorization, path form), reading and discarding its body. */
    void refuse(ServerRequest req, ServerResponse res, Style style, ApiException error, Timings timings) {
        drain(req);
        fail(res, "refused", style, error, timings);
    }

    /**
     * Writes a GET answer (no body to read, no model admission), with the timing headers every answer carries.
     *
     * @param body makes the answer, inside the request's total time
     */
    public void answer(ServerResponse res, String route, Supplier<Object> body) {
        Timings timings = currentTimings();
        Object answer = body.get();
        phaseHeaders(res, timings, timings.totalNanos());
        metrics.exchange(route, 200);
        send(res, Status.OK_200, answer);
    }

    /** Writes an error in the given style for a request that is not an inference request, and records it. */
    public void fail(ServerResponse res, String route, Style style, ApiException error) {
        fail(res, route, style, error, currentTimings());
    }

    private void fail(ServerResponse res, String route, Style style, ApiException error, Timings timings) {
        metrics.exchange(route, error.status().code());
        writeError(res, style, error, timings, timings.totalNanos());
    }

    private void failInference(ServerResponse res, String route, Style style, ApiException error, Timings timings) {
        long total = timings.totalNanos();
        metrics.request(route, error.status().code(), error.type().metric(), timings, total);
        writeError(res, style, error, timings, total);
    }

    private static void writeError(ServerResponse res, Style style, ApiException error, Timings timings, long total) {
        if (error.status() == Status.TOO_MANY_REQUESTS_429) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        }
        phaseHeaders(res, timings, total);
        send(res, error.status(), errorBody(style, error));
    }

    /** An error's JSON body: TEI's {@code {error, error_type}} or OpenAI's {@code {error: {message, type, ...}}}. */
    static ObjectNode errorBody(Style style, ApiException error) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (style == Style.OPENAI) {
            ObjectNode inner = body.putObject("error");
            inner.put("message", error.getMessage());
            inner.put("type", error.type().openAi());
            inner.put("param", error.param());
            inner.put("code", error.type().tei().toLowerCase(Locale.ROOT));
        } else {
            body.put("error", error.getMessage());
            body.put("error_type", error.type().tei());
        }
        return body;
    }

    /**
     * Reads the whole body, bounded by the payload limit. When it cannot be read whole, the connection is marked to
     * close: the unread rest would otherwise be parsed as the next request.
     */
    private byte[] readBody(ServerRequest req, ServerResponse res) {
        OptionalLong length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > payloadLimit) {
            res.header(HeaderNames.CONNECTION, "close");
            throw tooLarge();
        }
        try {
            // Read at most one byte past the limit, so that a chunked body without a length is bounded too.
            int wanted = length.isPresent() ? (int) length.getAsLong() : (int) Math.min(Integer.MAX_VALUE - 8,
                                                                                          payloadLimit + 1);
            byte[] body = req.content().inputStream().readNBytes(wanted);
            if (body.length > payloadLimit) {
                res.header(HeaderNames.CONNECTION, "close");
                throw tooLarge();
            }
            return body;
        } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException
                 | CloseConnectionException e) {
            // The body ended before its declared length: the client went away or sent a truncated request.
            res.header(HeaderNames.CONNECTION, "close");
            throw new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST, "request body ended early");
        }
    }

    private ApiException tooLarge() {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, ErrorType.PAYLOAD_TOO_LARGE,
                                "request body is larger than the limit of " + payloadLimit + " bytes");
    }

    private static void drain(ServerRequest req) {
        try {
            if (req.content().hasEntity()) {
                req.content().consume();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not drain request body", e);
        }
    }

    private static void send(ServerResponse res, Status status, Object body) {
        byte[] bytes = json(body);
        res.status(status);
        res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        try {
            res.send(bytes);
        } catch (UncheckedIOException e) {
            // The caller has gone. Helidon closes the connection quietly for this exception; any other it logs with
            // its stack trace, which a client resetting its connections in a loop turns into a full disk.
            throw new CloseConnectionException("the caller went away before its answer was written", e);
        }
    }

    /** An answer's JSON: vectors written directly, anything else by Jackson. */
    static byte[] json(Object body) {
        try {
            return body instanceof Vectors vectors ? vectors.toJson() : JsonBody.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serialisable", e);
        }
    }

    private static void timingHeaders(ServerResponse res, Model model, Timings t) {
        long total = t.totalNanos();
        res.header(COMPUTE_TYPE, model.device().kind() == Device.Kind.CPU ? "cpu" : "gpu");
        res.header(COMPUTE_TIME, millis(total));
        res.header(COMPUTE_CHARACTERS, Integer.toString(t.characters()));
        res.header(COMPUTE_TOKENS, Integer.toString(t.tokens()));
        phaseHeaders(res, t, total);
    }

    /** TEI's per-phase headers and the same phases as {@code Server-Timing}; errors carry them too. */
    private static void phaseHeaders(ServerResponse res, Timings t, long total) {
        res.header(TOTAL_TIME, millis(total));
        res.header(AUTHZ_TIME, millis(t.authzNanos()));
        res.header(TOKENIZATION_TIME, millis(t.tokenizationNanos()));
        res.header(QUEUE_TIME, millis(t.queueNanos()));
        res.header(INFERENCE_TIME, millis(t.inferenceNanos()));
        res.header(SERVER_TIMING, "authz;dur=" + preciseMillis(t.authzNanos())
                + ", tokenization;dur=" + preciseMillis(t.tokenizationNanos())
                + ", queue;dur=" + preciseMillis(t.queueNanos())
                + ", inference;dur=" + preciseMillis(t.inferenceNanos())
                + ", total;dur=" + preciseMillis(total));
    }

    private static String millis(long nanos) {
        return Long.toString(TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** Milliseconds with three decimals, without {@code String.format}, which costs microseconds a call. */
    static String preciseMillis(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
