package io.meshinfer.bench;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import io.meshinfer.connect.HelidonMappers;

/**
 * The Helidon references of the overhead bench: the least a Helidon WebServer adds to an answer, whatever the
 * answer. Its listener is set up as meshinfer's plain service listener is (loopback, TCP_NODELAY, process-wide
 * mappers fixed), and its one route, {@code POST /embed}, reads the body as meshinfer does and answers a fixed
 * {@code ok}: no JSON, no model. With a hand-off, each request also waits for a task on one platform thread, the
 * round trip that the design requires (JNI inference never runs on a virtual thread) and that no server built on
 * this stack avoids. What meshinfer adds beyond these, it adds itself.
 */
final class HelidonFloor implements AutoCloseable {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private final WebServer server;
    private final ExecutorService worker;

    private HelidonFloor(WebServer server, ExecutorService worker) {
        this.server = server;
        this.worker = worker;
    }

    /**
     * Starts on a free loopback port.
     *
     * @param handOff whether each request is handed to a platform thread and waited for before the answer
     */
    static HelidonFloor start(boolean handOff) {
        HelidonMappers.fix();
        ExecutorService worker = handOff ? Executors.newSingleThreadExecutor() : null;
        WebServer server = WebServer.builder()
                .host(InetAddress.getLoopbackAddress().getHostAddress())
                .port(0)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .shutdownHook(false)
                .routing(HttpRouting.builder().post("/embed", (req, res) -> {
                    req.content().inputStream().readAllBytes();
                    if (worker != null) {
                        worker.submit(() -> { }).get();
                    }
                    res.send(OK);
                }))
                .build()
                .start();
        return new HelidonFloor(server, worker);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
