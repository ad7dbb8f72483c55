package io.meshinfer.connect.tls;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;

/** The L4 question asked inside the handshake, once the caller's identity is proven. */
@FunctionalInterface
public interface ConnectionAuthorizer {
    Decision authorize(SpiffeId caller);
}
