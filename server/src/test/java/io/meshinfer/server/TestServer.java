package io.meshinfer.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.meshinfer.server.config.ConfigLoader;

/**
 * A real server on free loopback ports, and a small JSON client for it. Shared by the HTTP tests: either closed by
 * the test, or registered with {@code @RegisterExtension} on a static field to live for the whole test class.
 */
public final class TestServer implements AutoCloseable, AfterAllCallback {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeshinferServer server;
    private final HttpClient client;
    private final String scheme;
    private final boolean owner;

    /** A parsed response. */
    public record Reply(int status, JsonNode json, String body, java.net.http.HttpHeaders headers) {
    }

    private TestServer(MeshinferServer server, HttpClient client, String scheme, boolean owner) {
        this.server = server;
        this.client = client;
        this.scheme = scheme;
        this.owner = owner;
    }

    /** Starts a plain-HTTP server with these flags on top of port 0 for both listeners. */
    public static TestServer start(String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--admin-port", "0", "--plaintext"));
        args.addAll(List.of(flags));
        return new TestServer(MeshinferServer.start(ConfigLoader.load(args, Map.of())),
                              HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), "http", true);
    }

    /**
     * Starts an mTLS server with these flags (port 0 for both listeners) and talks to it with {@code client}, an
     * SSL context holding a caller's certificate.
     */
    public static TestServer startMtls(javax.net.ssl.SSLContext client, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--admin-port", "0"));
        args.addAll(List.of(flags));
        return new TestServer(MeshinferServer.start(ConfigLoader.load(args, Map.of())),
                              mtlsClient(client), "https", true);
    }

    /** The same server seen by another caller; closing the view leaves the server running. */
    public TestServer withClient(javax.net.ssl.SSLContext client) {
        return new TestServer(server, mtlsClient(client), "https", false);
    }

    private static HttpClient mtlsClient(javax.net.ssl.SSLContext context) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
    }

    public MeshinferServer server() {
        return server;
    }

    public Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(server.port(), path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A POST with extra headers, given as name, value, name, value... */
    public Reply post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(server.port(), path))
                            .header("Content-Type", "application/json")
                            .headers(headers)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply postBytes(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(server.port(), path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(server.port(), path)).GET().build());
    }

    public Reply method(String method, String path) {
        return send(HttpRequest.newBuilder(uri(server.port(), path))
                            .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    public Reply admin(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path)).GET().build());
    }

    /** Every sample of the admin {@code /metrics}: series, labels included, to value. */
    public Map<String, Double> metricSamples() {
        Map<String, Double> samples = new HashMap<>();
        admin("/metrics").body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
            int space = l.lastIndexOf(' ');
            samples.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return samples;
    }

    /** How much a series moved between two {@link #metricSamples()}. */
    public static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String type = response.headers().firstValue("content-type").orElse("");
            if (type.contains("json") && !response.body().isEmpty()) {
                json = JSON.readTree(response.body());
            }
            return new Reply(response.statusCode(), json, response.body(), response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(int port, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        if (owner) {
            server.close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
