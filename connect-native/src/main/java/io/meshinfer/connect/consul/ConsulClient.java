package io.meshinfer.connect.consul;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientConfig;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;

import io.meshinfer.connect.HelidonMappers;

/**
 * A client of one Consul agent's HTTP API, configured by {@link ConsulSettings}: ACL token, namespace, partition
 * and TLS are applied to every call. Answers are JSON; failures are {@link ConsulException}s whose messages never
 * contain the token.
 *
 * <p>Thread-safe: calls may run concurrently (each takes its own pooled connection). {@link #close()} closes the
 * pooled connections.
 */
public final class ConsulClient implements AutoCloseable {

    /** Consul's cap on a blocking query's wait. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(10);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // Enough for the agent to sign a first leaf certificate; blocking calls add their wait to it.
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private static final HeaderName TOKEN = HeaderNames.create("X-Consul-Token");
    private static final HeaderName INDEX = HeaderNames.create("X-Consul-Index");
    private static final int MAX_ERROR_TEXT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        HelidonMappers.fix();
    }

    private final URI address;
    private final Optional<String> token;
    private final Map<String, String> scope;
    private final Http1Client http;
    private final Http1Client blockingHttp;

    private ConsulClient(URI address, Optional<String> token, Map<String, String> scope, Http1Client http,
                         Http1Client blockingHttp) {
        this.address = address;
        this.token = token;
        this.scope = scope;
        this.http = http;
        this.blockingHttp = blockingHttp;
    }

    /**
     * @throws IllegalArgumentException when Consul is not enabled in the settings, or the TLS files cannot be used
     */
    public static ConsulClient create(ConsulSettings settings) {
        URI address = settings.address().orElseThrow(() -> new IllegalArgumentException(
                "Consul is not enabled: " + ConsulSettings.HTTP_ADDR + " is not set"));
        Map<String, String> scope = new HashMap<>();
        settings.namespace().ifPresent(ns -> scope.put("ns", ns));
        settings.partition().ifPresent(partition -> scope.put("partition", partition));
        // Two pools: Helidon 4.2 keeps a pooled connection's read timeout from when it was opened, whatever a
        // later request asks for, so a blocking query on a connection a quick call opened would time out after
        // READ_TIMEOUT. The blocking pool's connections allow the longest wait Consul grants.
        return new ConsulClient(address, settings.token(), Map.copyOf(scope), http(address, settings, READ_TIMEOUT),
                                http(address, settings, READ_TIMEOUT.plus(MAX_WAIT).plus(MAX_WAIT.dividedBy(16))));
    }

    private static Http1Client http(URI address, ConsulSettings settings, Duration readTimeout) {
        Http1ClientConfig.Builder builder = Http1Client.builder()
                .baseUri(address)
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(readTimeout)
                // A private pool, so that close() releases exactly this client's connections.
                .shareConnectionCache(false);
        if (address.getScheme().equals("https")) {
            builder.tls(ConsulTls.create(settings));
        }
        return builder.build();
    }

    /** Reads an endpoint without blocking. */
    public ConsulResponse get(ConsulEndpoint endpoint) {
        return send(Method.GET, endpoint, Map.of(), READ_TIMEOUT, Optional.empty());
    }

    /**
     * A blocking read: answers once the endpoint's index passes {@code index}, or after about {@code wait}
     * (Consul adds up to wait/16 of jitter). Index 0 reads without blocking.
     */
    public ConsulResponse get(ConsulEndpoint endpoint, long index, Duration wait) {
        if (index < 0) {
            throw new IllegalArgumentException("a Consul index is not negative: " + index);
        }
        if (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("a blocking wait is positive and at most " + MAX_WAIT + ": " + wait);
        }
        if (index == 0) {
            return get(endpoint);
        }
        Map<String, String> blocking = Map.of("index", Long.toString(index), "wait", wait.toMillis() + "ms");
        return send(Method.GET, endpoint, blocking, READ_TIMEOUT.plus(wait).plus(wait.dividedBy(16)),
                    Optional.empty());
    }

    /** Writes {@code body} as JSON to an endpoint; returns the answer's JSON (often {@code true} or empty). */
    public JsonNode put(ConsulEndpoint endpoint, JsonNode body) {
        Objects.requireNonNull(body, "body");
        return send(Method.PUT, endpoint, Map.of(), READ_TIMEOUT, Optional.of(body)).body();
    }

    /** A body-less PUT, as deregistration takes. */
    public JsonNode put(ConsulEndpoint endpoint) {
        return send(Method.PUT, endpoint, Map.of(), READ_TIMEOUT, Optional.empty()).body();
    }

    @Override
    public void close() {
        http.closeResource();
        blockingHttp.closeResource();
    }

    @Override
    public String toString() {
        return "ConsulClient[" + address + "]";
    }

    private ConsulResponse send(Method method, ConsulEndpoint endpoint, Map<String, String> blocking,
                                Duration readTimeout, Optional<JsonNode> body) {
        String what = method.text() + " " + endpoint.path();
        Http1ClientRequest request = (blocking.isEmpty() ? http : blockingHttp).method(method).path(endpoint.path())
                .readTimeout(readTimeout);
        endpoint.query().forEach(request::queryParam);
        scope.forEach(request::queryParam);
        blocking.forEach(request::queryParam);
        token.ifPresent(t -> request.header(TOKEN, t));
        byte[] payload;
        int status;
        String index;
        try (Http1ClientResponse response = body.isPresent()
                ? request.contentType(MediaTypes.APPLICATION_JSON).submit(JSON.writeValueAsBytes(body.get()))
                : request.request()) {
            status = response.status().code();
            index = response.headers().first(INDEX).orElse("0");
            payload = response.entity().hasEntity() ? response.entity().as(byte[].class) : new byte[0];
        } catch (IOException | RuntimeException e) {
            throw new ConsulException("Consul " + what + " at " + address + " failed: " + redact(describe(e)), e);
        }
        if (status < 200 || status > 299) {
            throw new ConsulException("Consul " + what + " answered " + status + ": " + errorText(payload), status);
        }
        try {
            return new ConsulResponse(status, Long.parseLong(index), JSON.readTree(payload));
        } catch (IOException | NumberFormatException e) {
            throw new ConsulException("Consul " + what + " answered " + status + " with an unreadable body or "
                    + "X-Consul-Index: " + e.getMessage(), e);
        }
    }

    private String errorText(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8).strip();
        if (text.length() > MAX_ERROR_TEXT) {
            text = text.substring(0, MAX_ERROR_TEXT) + "...";
        }
        return text.isEmpty() ? "(no error text)" : redact(text);
    }

    // Consul's error texts name token accessor IDs, not secrets; this guards against one that ever echoes it.
    private String redact(String text) {
        return token.map(t -> text.replace(t, "<redacted>")).orElse(text);
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root == e ? e.getClass().getSimpleName() + message
                : e.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + message + ")";
    }
}
