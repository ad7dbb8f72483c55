package io.meshinfer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import io.meshinfer.connect.HelidonMappers;

/**
 * The second same-run reference of the overhead bench: the least a Helidon WebServer adds to an answer, whatever the
 * answer. Its listener is set up as meshinfer's plain service listener is (loopback, TCP_NODELAY, process-wide
 * mappers fixed), and its one route, {@code POST /embed}, reads the body as meshinfer does and answers a fixed
 * {@code ok}: no JSON, no model, no hand-off. What meshinfer adds beyond this, it adds itself.
 */
final class HelidonFloor implements AutoCloseable {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private final WebServer server;

    private HelidonFloor(WebServer server) {
        this.server = server;
    }

    /** Starts on a free loopback port. */
    static HelidonFloor start() {
        HelidonMappers.fix();
        WebServer server = WebServer.builder()
                .host(InetAddress.getLoopbackAddress().getHostAddress())
                .port(0)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .shutdownHook(false)
                .routing(HttpRouting.builder().post("/embed", (req, res) -> {
                    try {
                        req.content().inputStream().readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    res.send(OK);
                }))
                .build()
                .start();
        return new HelidonFloor(server);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
