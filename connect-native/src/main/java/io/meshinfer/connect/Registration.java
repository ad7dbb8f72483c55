package io.meshinfer.connect;

import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * How this instance appears in Consul's catalog.
 *
 * @param serviceId   the instance ID, unique on the agent
 * @param address     the address other services dial
 * @param port        the mTLS listener's port
 * @param tags        service tags
 * @param meta        service metadata (models, tasks, version)
 * @param serverReady whether the server itself can serve (models loaded, not draining)
 */
public record Registration(String serviceId, String address, int port, List<String> tags, Map<String, String> meta,
                           BooleanSupplier serverReady) {

    public Registration {
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
    }
}
