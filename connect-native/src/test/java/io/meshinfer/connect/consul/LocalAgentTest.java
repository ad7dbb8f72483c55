package io.meshinfer.connect.consul;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshinfer.connect.testing.ConsulAgent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration, TTL health and the default policy against a real dev agent. */
class LocalAgentTest {

    private static ConsulAgent agent;
    private static ConsulClient client;
    private static LocalAgent local;

    @BeforeAll
    static void startAgent() {
        agent = ConsulAgent.start();
        client = agent.client();
        local = new LocalAgent(client);
    }

    @AfterAll
    static void stopAgent() {
        client.close();
        agent.close();
    }

    @Test
    void aPlainDevAgentAllowsByDefault() {
        assertEquals(new DefaultIntentionPolicy(true, "ACLs disabled"), local.defaultIntentionPolicy());
        ConsulAgent.Authorization agentSays = agent.authorize("anyone", "web");
        assertTrue(agentSays.authorized(), agentSays.reason());
    }

    @Test
    void registrationTtlUpdatesAndDeregistration() {
        ServiceRegistration registration = new ServiceRegistration("embed-1", "embed", "127.0.0.1", 8443,
                List.of("embeddings"), Map.of("meshinfer", "0.1.0"), Duration.ofSeconds(30), Duration.ofMinutes(1));
        local.register(registration);
        try {
            assertTrue(local.serviceIds().contains("embed-1"), local.serviceIds().toString());
            JsonNode service = client.get(ConsulEndpoint.of("/v1/agent/service/embed-1")).body();
            assertTrue(service.path("Connect").path("Native").asBoolean(), service.toString());
            assertEquals(8443, service.path("Port").asInt());
            assertEquals("0.1.0", service.path("Meta").path("meshinfer").asText());
            assertEquals("embeddings", service.path("Tags").path(0).asText());
            assertEquals("critical", check(registration).path("Status").asText(), "until the first update");

            local.updateCheck(registration.checkId(), CheckStatus.PASSING, "models loaded, leaf valid");
            assertEquals("passing", check(registration).path("Status").asText());
            assertEquals("models loaded, leaf valid", check(registration).path("Output").asText());
            local.updateCheck(registration.checkId(), CheckStatus.WARNING, "leaf expires in 10 min");
            assertEquals("warning", check(registration).path("Status").asText());

            local.register(registration);
            assertEquals(1, client.get(ConsulEndpoint.of("/v1/agent/checks")).body().size(),
                         "registering again replaces the check");
        } finally {
            local.deregister("embed-1");
        }
        assertFalse(local.serviceIds().contains("embed-1"));
    }

    @Test
    void updatingAnUnknownCheckSaysWhatConsulSaid() {
        ConsulException e = assertThrows(ConsulException.class,
                () -> local.updateCheck("service:nobody", CheckStatus.CRITICAL, "down"));
        assertEquals(404, e.status().orElseThrow());
        assertTrue(e.getMessage().contains("Unknown check ID"), e.getMessage());
    }

    private static JsonNode check(ServiceRegistration registration) {
        return client.get(ConsulEndpoint.of("/v1/agent/checks")).body().path(registration.checkId());
    }
}
