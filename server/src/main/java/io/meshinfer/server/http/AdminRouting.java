package io.meshinfer.server.http;

import java.util.function.BooleanSupplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

import io.meshinfer.server.metrics.ServerMetrics;

/**
 * The admin listener's routes (loopback by default): liveness, readiness and Prometheus metrics. Kept off the
 * service listener so that probes and scrapes never compete with, or need the credentials of, API callers.
 */
public final class AdminRouting {
    private final ServerMetrics metrics;
    private final BooleanSupplier ready;

    /** @param ready whether the server should receive traffic (models loaded, not draining) */
    public AdminRouting(ServerMetrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> json(res, Status.OK_200, "{\"status\":\"ok\"}"));
        routing.get("/ready", (req, res) -> {
            if (ready.getAsBoolean()) {
                json(res, Status.OK_200, "{\"status\":\"ready\"}");
            } else {
                json(res, Status.SERVICE_UNAVAILABLE_503,
                     "{\"error\":\"not ready\",\"error_type\":\"Unhealthy\"}");
            }
        });
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape());
        });
        routing.any("/*", (req, res) -> json(res, Status.NOT_FOUND_404,
                                             "{\"error\":\"no such route\",\"error_type\":\"NotFound\"}"));
    }

    private static void json(io.helidon.webserver.http.ServerResponse res, Status status, String body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
