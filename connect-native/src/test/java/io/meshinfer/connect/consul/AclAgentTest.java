package io.meshinfer.connect.consul;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.connect.testing.ConsulAgent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent with ACLs on and default policy deny: the token decides, and never leaks. */
class AclAgentTest {

    private static ConsulAgent agent;
    private static String token;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAgent() {
        agent = ConsulAgent.startAclDefaultDeny();
        token = agent.managementToken().orElseThrow();
    }

    @AfterAll
    static void stopAgent() {
        agent.close();
    }

    // Each anonymous leaf test names a service no token ever asked for: Consul 1.16.3's agent keys its leaf cache
    // without the token and hands a leaf once issued to any caller.
    @Test
    void withoutATokenTheCallsAreRefusedWith403() {
        try (ConsulClient anonymous = ConsulClient.create(ConsulSettings.from(agent.settings()))) {
            ConsulException leaf = assertThrows(ConsulException.class,
                                                () -> anonymous.get(ConsulEndpoint.leaf("anonymous-call")));
            assertEquals(403, leaf.status().orElseThrow());
            assertTrue(leaf.getMessage().startsWith("Consul GET /v1/agent/connect/ca/leaf/anonymous-call answered "
                    + "403: Permission denied: anonymous token lacks permission 'service:write'"), leaf.getMessage());
            ConsulException intentions = assertThrows(ConsulException.class,
                                                      () -> anonymous.get(ConsulEndpoint.intentionsFor("web")));
            assertEquals(403, intentions.status().orElseThrow());
            ConsulException self = assertThrows(ConsulException.class,
                                                () -> new LocalAgent(anonymous).defaultIntentionPolicy());
            assertEquals(403, self.status().orElseThrow());
        }
    }

    @Test
    void aWatchWithoutATokenStaysUnhealthy() throws InterruptedException {
        BlockingQueue<ConsulResponse> leaf = new LinkedBlockingQueue<>();
        try (ConsulClient anonymous = ConsulClient.create(ConsulSettings.from(agent.settings()));
             BlockingWatch watch = BlockingWatch.start(anonymous, ConsulEndpoint.leaf("anonymous-watch"),
                                                       Duration.ofSeconds(5), leaf::add)) {
            Thread.sleep(500);
            assertFalse(watch.healthy());
            assertTrue(leaf.isEmpty());
        }
    }

    @Test
    void consulHttpTokenOpensTheEndpoints() throws InterruptedException {
        try (ConsulClient client = client(Map.of("CONSUL_HTTP_TOKEN", token))) {
            assertEquals("web", client.get(ConsulEndpoint.leaf("web")).body().path("Service").asText());
            assertTrue(client.get(ConsulEndpoint.intentionsFor("web")).body().has("web"));
            BlockingQueue<ConsulResponse> leaf = new LinkedBlockingQueue<>();
            try (BlockingWatch watch = BlockingWatch.start(client, ConsulEndpoint.leaf("web"), Duration.ofSeconds(5),
                                                           leaf::add)) {
                WatchOnAgentTest.next(leaf, 10);
                assertTrue(watch.healthy());
            }
        }
    }

    @Test
    void consulHttpTokenFileOpensTheEndpoints() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), token + "\n");
        try (ConsulClient client = client(Map.of("CONSUL_HTTP_TOKEN_FILE", file.toString()))) {
            assertEquals("web", client.get(ConsulEndpoint.leaf("web")).body().path("Service").asText());
        }
    }

    @Test
    void theDefaultPolicyIsTheAclDefaultDeny() {
        try (ConsulClient client = client(Map.of("CONSUL_HTTP_TOKEN", token))) {
            DefaultIntentionPolicy policy = new LocalAgent(client).defaultIntentionPolicy();
            assertEquals(new DefaultIntentionPolicy(false, "the ACL default policy"), policy);
        }
        assertFalse(agent.authorize("api", "web").authorized(), "the agent agrees");
    }

    @Test
    void theTokenNeverAppearsInToStringOrErrors() {
        String wrong = "0f1e2d3c-4b5a-6978-8a9b-wrong-token-1";
        ConsulSettings good = ConsulSettings.from(withAddress(Map.of("CONSUL_HTTP_TOKEN", token)));
        try (ConsulClient client = ConsulClient.create(good)) {
            assertFalse(good.toString().contains(token), good.toString());
            assertFalse(client.toString().contains(token), client.toString());
        }
        try (ConsulClient client = client(Map.of("CONSUL_HTTP_TOKEN", wrong))) {
            ConsulException e = assertThrows(ConsulException.class,
                                             () -> client.get(ConsulEndpoint.intentionsFor("web")));
            assertEquals(403, e.status().orElseThrow());
            assertTrue(e.getMessage().contains("ACL not found"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
        }
        Map<String, String> unreachable = Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:1", "CONSUL_HTTP_TOKEN", token);
        try (ConsulClient client = ConsulClient.create(ConsulSettings.from(unreachable))) {
            ConsulException e = assertThrows(ConsulException.class, () -> client.get(ConsulEndpoint.caRoots()));
            assertTrue(e.status().isEmpty());
            assertFalse(e.getMessage().contains(token), e.getMessage());
        }
    }

    private static ConsulClient client(Map<String, String> extra) {
        return ConsulClient.create(ConsulSettings.from(withAddress(extra)));
    }

    private static Map<String, String> withAddress(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(agent.settings());
        values.putAll(extra);
        return values;
    }
}
