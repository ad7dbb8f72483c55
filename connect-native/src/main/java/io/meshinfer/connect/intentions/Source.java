package io.meshinfer.connect.intentions;

import java.util.Objects;

import io.meshinfer.connect.SpiffeId;

/**
 * Who an intention is about: a local service (wildcards allowed), or a service reached through a cluster peering
 * or a sameness group. The last two are empty strings when unused.
 */
record Source(ServiceName service, String peer, String samenessGroup) {

    Source {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(samenessGroup, "samenessGroup");
        if (peer.contains(ServiceName.WILDCARD)) {
            throw new InvalidIntentionException("Peer", "cannot be a wildcard");
        }
        if (samenessGroup.contains(ServiceName.WILDCARD)) {
            throw new InvalidIntentionException("SamenessGroup", "cannot be a wildcard");
        }
    }

    /**
     * Whether a caller holding a certificate from this cluster's CA is this source. Peer and sameness-group
     * sources never are: Consul's own check passes an empty peer for such callers (agent/connect_auth.go).
     */
    boolean admits(SpiffeId caller) {
        return peer.isEmpty() && samenessGroup.isEmpty()
                && service.covers(caller.partition(), caller.namespace(), caller.service());
    }
}
