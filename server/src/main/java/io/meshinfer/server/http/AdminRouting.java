package io.meshinfer.server.http;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

import io.meshinfer.connect.ConnectStatus;
import io.meshinfer.server.metrics.ServerMetrics;

/**
 * The admin listener's routes (loopback by default): liveness, readiness and Prometheus metrics. Kept off the
 * service listener so that probes and scrapes never compete with, or need the credentials of, API callers.
 */
public final class AdminRouting {
    private final ServerMetrics metrics;
    private final BooleanSupplier ready;
    private final Supplier<Optional<ConnectStatus>> connect;

    /**
     * @param ready   whether the server should receive traffic (models loaded, not draining, identity in hand)
     * @param connect identity and policy state, absent on a plain-HTTP listener
     */
    public AdminRouting(ServerMetrics metrics, BooleanSupplier ready, Supplier<Optional<ConnectStatus>> connect) {
        this.metrics = metrics;
        this.ready = ready;
        this.connect = connect;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> json(res, Status.OK_200, health()));
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

    /** Alive, and what identity and policy look like: "degraded" while the Consul agent is unreachable. */
    private String health() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        Optional<ConnectStatus> status = connect.get();
        body.put("status", status.map(s -> s.problems().isEmpty() ? "ok" : "degraded").orElse("ok"));
        status.ifPresent(s -> {
            ObjectNode mesh = body.putObject("connect");
            mesh.put("mode", s.mode());
            mesh.put("ready", s.ready());
            s.leafSerial().ifPresent(serial -> mesh.put("leaf_serial", serial));
            s.leafValidBefore().ifPresent(until -> mesh.put("leaf_valid_before", until.toString()));
            mesh.put("roots", s.roots());
            mesh.put("intentions_index", s.intentionsIndex());
            mesh.put("agent_reachable", s.agentReachable());
            s.problems().forEach(mesh.putArray("problems")::add);
        });
        try {
            return JsonBody.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(io.helidon.webserver.http.ServerResponse res, Status status, String body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
