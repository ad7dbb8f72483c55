package io.meshinfer.connect.consul;

import java.util.OptionalInt;

/**
 * A call to the Consul agent failed: it could not be reached, or it answered with a non-2xx status. The message
 * names the method, the path and the agent's own error text; it never contains the ACL token.
 */
public final class ConsulException extends RuntimeException {

    private final int status;

    ConsulException(String message, int status) {
        super(message);
        this.status = status;
    }

    ConsulException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The agent's HTTP status; empty when no answer arrived (connection refused, timeout, TLS failure). */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
