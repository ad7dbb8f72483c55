package io.meshinfer.server.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.connect.consul.ConsulClient;
import io.meshinfer.connect.consul.ConsulEndpoint;
import io.meshinfer.connect.embedded.EmbeddedCa;
import io.meshinfer.connect.testing.ConsulAgent;
import io.meshinfer.server.TestServer;

/**
 * meshinfer in Consul mode against a real {@code consul agent -dev}: registration, identity from the agent's CA,
 * intentions at L4 and L7 (also reaching open connections), a CA rotation under load, and an agent outage.
 * Ordered, because the later cases change the agent for good (rotation, restart).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsulModeTest {
    private static final String EMBED = "{\"inputs\": \"hello mesh\"}";
    private static final String RERANK = "{\"query\": \"q\", \"texts\": [\"a\"]}";

    static ConsulAgent agent;
    // One client for the whole class: each client holds its own connections, and the agent refuses an address
    // with more than 200 at once.
    static ConsulClient consul;
    static TestServer server;
    static MeshCaller web;

    @BeforeAll
    static void start() {
        agent = ConsulAgent.start();
        consul = agent.client();
        web = caller("web");
        server = TestServer.startMtls(web.context(), "--consul-http-addr", agent.httpAddress(), "--service",
                "inference", "--service-id", "inference-test");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        consul.close();
        agent.close();
    }

    @Test
    @Order(1)
    void theServerRegistersAsAConnectNativeServiceWithAPassingCheck() {
        waitFor(Duration.ofSeconds(10), "an instance in /v1/health/connect/inference",
                () -> consul.get(ConsulEndpoint.of("/v1/health/connect/inference")).body().size() == 1);
        // Passing from its first report on, not a third of the TTL later.
        waitFor(Duration.ofSeconds(1), "a passing Connect-native instance", () -> {
            JsonNode instance = consul.get(ConsulEndpoint.of("/v1/health/connect/inference")).body().get(0);
            return instance.path("Service").path("Connect").path("Native").asBoolean()
                    && instance.path("Checks").findValues("Status").stream()
                    .allMatch(status -> status.asText().equals("passing"));
        });
        JsonNode service = consul.get(ConsulEndpoint.of("/v1/agent/service/inference-test")).body();
        assertEquals(server.server().port(), service.path("Port").asInt());
        assertEquals("all-MiniLM-L6-v2", service.path("Meta").path("models").asText());
        assertTrue(service.path("Tags").toString().contains("embedding"), service.toString());
    }

    @Test
    @Order(2)
    void aCallerHoldingAnAgentIssuedLeafIsServed() throws IOException {
        assertEquals(200, web.post(server.server().port(), "/embed", EMBED).status());
        assertEquals(200, server.post("/embed", EMBED).status());
    }

    @Test
    @Order(3)
    void aDenyIntentionRefusesTheHandshakeAndReachesAnOpenConnectionWithinASecond() throws Exception {
        assertEquals(200, server.post("/embed", EMBED).status(), "opens a kept-alive connection");
        long written = System.nanoTime();
        agent.upsertIntention("web", "inference", "deny");
        try {
            waitFor(Duration.ofSeconds(1), "403 on the open connection", () -> server.post("/embed", EMBED)
                    .status() == 403);
            System.out.printf("intention write -> enforced on an open connection: %.1f ms%n",
                    (System.nanoTime() - written) / 1e6);
            assertThrows(IOException.class, () -> web.post(server.server().port(), "/embed", EMBED));
        } finally {
            agent.deleteIntention("web", "inference");
        }
        waitFor(Duration.ofSeconds(2), "served again", () -> server.post("/embed", EMBED).status() == 200);
    }

    @Test
    @Order(4)
    void l7PermissionsDecidePerRequestByPathMethodAndHeader() throws Exception {
        agent.serviceDefaults("inference", "http");
        agent.writeConfigEntry("""
                {"Kind": "service-intentions", "Name": "inference", "Sources": [
                  {"Name": "web", "Permissions": [
                    {"Action": "deny", "HTTP": {"PathExact": "/rerank"}},
                    {"Action": "deny", "HTTP": {"PathPrefix": "/", "Header": [
                      {"Name": "x-tenant", "Exact": "blocked"}]}},
                    {"Action": "allow", "HTTP": {"PathExact": "/embed", "Methods": ["POST"]}}]},
                  {"Name": "*", "Action": "deny"}]}
                """);
        try {
            waitFor(Duration.ofSeconds(2), "the L7 rule", () -> server.post("/rerank", RERANK).status() == 403);
            assertEquals(200, server.post("/embed", EMBED).status());
            var denied = server.post("/rerank", RERANK);
            assertEquals("Forbidden", denied.json().get("error_type").asText());
            assertEquals("forbidden: denied by intention permission", denied.json().get("error").asText());
            assertEquals(403, server.post("/embed", EMBED, "x-tenant", "blocked").status(), "the header rule");
            assertEquals(200, server.post("/embed", EMBED, "x-tenant", "team-a").status());
            assertEquals(200, server.post("/tokenize", EMBED).status(),
                    "no permission matched: the agent's default policy decides, allow on a plain dev agent");
        } finally {
            agent.writeConfigEntry("""
                    {"Kind": "service-intentions", "Name": "inference", "Sources": [{"Name": "*", "Action": "allow"}]}
                    """);
        }
    }

    @Test
    @Order(5)
    void callersWithoutAnIdentityFromThisCaAreRefused() {
        EmbeddedCa stranger = EmbeddedCa.generate(agent.trustDomain());
        var leaf = stranger.issue("web", List.of(), List.of());
        JsonNode fake = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("CertPEM", io.meshinfer.connect.tls.Pem.encode(leaf.certificate()))
                .put("PrivateKeyPEM", io.meshinfer.connect.tls.Pem.encode(leaf.key()));
        MeshCaller impostor = new MeshCaller(fake, roots(), "inference");
        assertThrows(IOException.class, () -> impostor.post(server.server().port(), "/embed", EMBED));

        var refused = assertThrows(IOException.class,
                () -> MeshCaller.anonymous(roots()).awaitAnswer(server.server().port()));
        assertTrue(String.valueOf(refused.getMessage()).contains("certificate_required"),
                "the server asked for a certificate: " + refused);
    }

    @Test
    @Order(6)
    void aCaRotationUnderLoadFailsNoRequestAndTheNewLeafIsServed() throws Exception {
        ConnectService connect = server.server().connect().orElseThrow();
        String before = connect.status().leafSerial().orElseThrow();
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> lastFailure = new AtomicReference<>("");
        AtomicReference<String> lastSerial = new AtomicReference<>(before);
        // New handshakes must meet the new leaf at once; a resumed session keeps the certificates it began with.
        MeshCaller fresh = web.fullHandshakes();
        Thread load = Thread.ofPlatform().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    MeshCaller.Answer answer = fresh.post(server.server().port(), "/embed", EMBED);
                    if (answer.status() == 200) {
                        served.incrementAndGet();
                        lastSerial.set(answer.serverSerial());
                    } else {
                        failed.incrementAndGet();
                        lastFailure.set("HTTP " + answer.status());
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    lastFailure.set(e.toString());
                }
            }
        });
        try {
            agent.rotateCa();
            try {
                waitFor(Duration.ofSeconds(45), "the new leaf served to a new connection",
                        () -> !lastSerial.get().equals(before));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; server now presents "
                        + connect.status().leafSerial().orElse("?") + ", " + served.get() + " served, "
                        + failed.get() + " failed, last failure: " + lastFailure.get(), e);
            }
            int atRotation = served.get();
            waitFor(Duration.ofSeconds(5), "more requests after the rotation", () -> served.get() > atRotation + 20);
        } finally {
            load.interrupt();
            load.join();
        }
        System.out.printf("CA rotation under load: %d requests served, %d failed%n", served.get(), failed.get());
        assertEquals(0, failed.get(), lastFailure.get());
        assertNotEquals(before, connect.status().leafSerial().orElseThrow());
        assertEquals(2, connect.status().roots(), "old and new root both trusted");
    }

    @Test
    @Order(7)
    void anAgentOutageKeepsServingAndTheAgentBackGetsUsRegisteredAgain() throws Exception {
        agent.stop();
        try {
            waitFor(Duration.ofSeconds(10), "health reporting the outage",
                    () -> !server.server().connect().orElseThrow().status().agentReachable());
            assertEquals(200, server.post("/embed", EMBED).status(), "fail-static: still serving");
            assertEquals("degraded", server.admin("/health").json().get("status").asText());
            assertEquals(200, server.admin("/ready").status(), "an outage alone does not stop readiness");
        } finally {
            agent.restart();
        }
        waitFor(Duration.ofSeconds(15), "registered again after the agent restarted", () -> consul
                .get(ConsulEndpoint.of("/v1/agent/services")).body().has("inference-test"));
        waitFor(Duration.ofSeconds(15), "health back to ok",
                () -> server.server().connect().orElseThrow().status().agentReachable());
    }

    @Test
    @Order(8)
    void aGracefulStopFailsTheCheckFirstThenDeregisters() {
        Thread stopping = Thread.ofPlatform().start(server::close);
        try {
            waitFor(Duration.ofSeconds(5), "the check critical while draining", () -> consul
                    .get(ConsulEndpoint.of("/v1/agent/checks")).body().path("service:inference-test")
                    .path("Status").asText().equals("critical"));
            stopping.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        assertFalse(consul.get(ConsulEndpoint.of("/v1/agent/services")).body().has("inference-test"),
                "deregistered once stopped");
    }

    private static MeshCaller caller(String service) {
        return new MeshCaller(agent.leaf(service), roots(), "inference");
    }

    private static JsonNode roots() {
        return consul.get(ConsulEndpoint.caRoots()).body();
    }

    private static void waitFor(Duration limit, String what, CheckedCondition condition) throws AssertionError {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("no " + what + " within " + limit.toMillis() + " ms"
                + (last == null ? "" : "; last error: " + last), last);
    }

    @FunctionalInterface
    interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
