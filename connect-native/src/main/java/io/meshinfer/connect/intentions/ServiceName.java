package io.meshinfer.connect.intentions;

import java.util.Objects;

import io.meshinfer.connect.SpiffeId;

/**
 * A service as an intention names it, source or destination. The name and the namespace may each be the wildcard
 * {@code "*"}, as a whole value only, and an exact name never sits under a wildcard namespace; the partition is
 * always exact. An empty namespace or partition means {@code "default"}, as Consul CE writes it.
 */
record ServiceName(String name, String namespace, String partition) {

    static final String WILDCARD = "*";

    ServiceName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(partition, "partition");
        namespace = namespace.isEmpty() ? SpiffeId.DEFAULT : namespace;
        partition = partition.isEmpty() ? SpiffeId.DEFAULT : partition;
        if (name.isEmpty()) {
            throw new InvalidIntentionException("Name", "is required");
        }
        requireWholeWildcard("Namespace", namespace);
        requireWholeWildcard("Name", name);
        if (namespace.equals(WILDCARD) && !name.equals(WILDCARD)) {
            throw new InvalidIntentionException("Name", "cannot be exact under a wildcard namespace");
        }
        if (partition.contains(WILDCARD)) {
            throw new InvalidIntentionException("Partition", "cannot be a wildcard");
        }
    }

    static ServiceName of(SpiffeId id) {
        return new ServiceName(id.service(), id.namespace(), id.partition());
    }

    boolean hasWildcard() {
        return exactCount() < 2;
    }

    /** Consul's count of exact values: 2 for ns/name, 1 for ns/*, 0 for *&#47;*. */
    int exactCount() {
        if (namespace.equals(WILDCARD)) {
            return 0;
        }
        return name.equals(WILDCARD) ? 1 : 2;
    }

    /** Whether this name, wildcards included, stands for the given concrete service. */
    boolean covers(String partition, String namespace, String name) {
        return this.partition.equals(partition)
                && (this.namespace.equals(WILDCARD) || this.namespace.equals(namespace))
                && (this.name.equals(WILDCARD) || this.name.equals(name));
    }

    @Override
    public String toString() {
        return partition + "/" + namespace + "/" + name;
    }

    private static void requireWholeWildcard(String field, String value) {
        if (!value.equals(WILDCARD) && value.contains(WILDCARD)) {
            throw new InvalidIntentionException(field, "cannot be a partial wildcard; only \"*\" alone is one");
        }
    }
}
