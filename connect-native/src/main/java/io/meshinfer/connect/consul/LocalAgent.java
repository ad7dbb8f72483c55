package io.meshinfer.connect.consul;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The local agent's endpoints meshinfer calls outside its watches: the default intention policy, and its own
 * registration and TTL health. Each method is one HTTP call, nothing is cached. Thread-safe.
 */
public final class LocalAgent {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConsulClient client;

    public LocalAgent(ConsulClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * What the agent decides when no intention matches, read from {@code /v1/agent/self}: Consul 1.18+ reports
     * {@code DebugConfig.DefaultIntentionPolicy} when set; otherwise, as in 1.16, the ACL default policy decides
     * when ACLs are enabled, and everything is allowed when they are not. Needs {@code agent:read}.
     */
    public DefaultIntentionPolicy defaultIntentionPolicy() {
        JsonNode debug = client.get(ConsulEndpoint.of("/v1/agent/self")).body().path("DebugConfig");
        String explicit = debug.path("DefaultIntentionPolicy").asText("");
        if (!explicit.isEmpty()) {
            return policy(explicit, "the agent's default_intention_policy");
        }
        JsonNode aclsEnabled = debug.path("ACLsEnabled");
        if (!aclsEnabled.isBoolean()) {
            // Guessing "allow" from a missing field would open the mesh; refuse instead.
            throw new ConsulException("Consul /v1/agent/self has no DebugConfig.ACLsEnabled; cannot tell the "
                    + "default intention policy", 0);
        }
        if (!aclsEnabled.booleanValue()) {
            return new DefaultIntentionPolicy(true, "ACLs disabled");
        }
        return policy(debug.path("ACLResolverSettings").path("ACLDefaultPolicy").asText(""),
                      "the ACL default policy");
    }

    /** Registers (or replaces) a Connect-native instance with its TTL check, which starts critical. */
    public void register(ServiceRegistration registration) {
        ObjectNode body = NODES.objectNode()
                .put("ID", registration.id())
                .put("Name", registration.name())
                .put("Address", registration.address())
                .put("Port", registration.port());
        registration.tags().forEach(body.putArray("Tags")::add);
        ObjectNode meta = body.putObject("Meta");
        registration.meta().forEach(meta::put);
        body.putObject("Connect").put("Native", true);
        body.putObject("Check")
                .put("CheckID", registration.checkId())
                .put("Name", "meshinfer readiness")
                .put("TTL", go(registration.ttl()))
                .put("DeregisterCriticalServiceAfter", go(registration.deregisterCriticalAfter()));
        // Without replace-existing-checks a re-registration would keep checks an older version defined.
        client.put(new ConsulEndpoint("/v1/agent/service/register", Map.of("replace-existing-checks", "true")),
                   body);
    }

    /** Removes an instance (and its checks) from the agent. */
    public void deregister(String serviceId) {
        client.put(ConsulEndpoint.of("/v1/agent/service/deregister/"
                + ConsulEndpoint.segment("service ID", serviceId)));
    }

    /** Sets a TTL check's status and output, restarting its TTL. */
    public void updateCheck(String checkId, CheckStatus status, String output) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(output, "output");
        client.put(ConsulEndpoint.of("/v1/agent/check/update/" + ConsulEndpoint.segment("check ID", checkId)),
                   NODES.objectNode().put("Status", status.wire()).put("Output", output));
    }

    /** The IDs of the services registered with this agent, to notice that it forgot ours. */
    public Set<String> serviceIds() {
        Set<String> ids = new HashSet<>();
        client.get(ConsulEndpoint.of("/v1/agent/services")).body().fieldNames().forEachRemaining(ids::add);
        return Set.copyOf(ids);
    }

    private static DefaultIntentionPolicy policy(String value, String source) {
        return switch (value) {
            case "allow" -> new DefaultIntentionPolicy(true, source);
            case "deny" -> new DefaultIntentionPolicy(false, source);
            default -> throw new ConsulException("Consul /v1/agent/self: " + source + " is '" + value
                    + "', neither allow nor deny", 0);
        };
    }

    // Go duration syntax, which Consul's JSON expects for TTLs.
    private static String go(Duration duration) {
        return duration.toMillis() + "ms";
    }
}
