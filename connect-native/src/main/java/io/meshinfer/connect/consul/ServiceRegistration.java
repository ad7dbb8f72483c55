package io.meshinfer.connect.consul;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Connect-native service instance with one TTL check, as meshinfer registers itself with its local agent.
 * Immutable.
 *
 * @param id                      instance ID, unique on the agent
 * @param name                    service name, the identity in certificates and intentions
 * @param address                 address other services dial; empty for the agent's own address
 * @param port                    the mTLS listener's port
 * @param tags                    service tags
 * @param meta                    service metadata
 * @param ttl                     how long a check update stays valid before the check turns critical
 * @param deregisterCriticalAfter how long the check may stay critical before the agent removes the instance
 */
public record ServiceRegistration(String id, String name, String address, int port, List<String> tags,
                                  Map<String, String> meta, Duration ttl, Duration deregisterCriticalAfter) {

    public ServiceRegistration {
        ConsulEndpoint.segment("service ID", id);
        ConsulEndpoint.segment("service name", name);
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
        requirePositive("ttl", ttl);
        requirePositive("deregisterCriticalAfter", deregisterCriticalAfter);
    }

    /** The TTL check's ID, the one {@link LocalAgent#updateCheck} takes. */
    public String checkId() {
        return "service:" + id;
    }

    private static void requirePositive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
    }
}
