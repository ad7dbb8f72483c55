package io.meshinfer.connect.consul;

import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful answer from the agent.
 *
 * @param status HTTP status, 2xx
 * @param index  {@code X-Consul-Index}, the state's version for blocking queries; 0 when the endpoint has none
 * @param body   the JSON body, a missing node when empty; shared, so treat it as read-only
 */
public record ConsulResponse(int status, long index, JsonNode body) {

    public ConsulResponse {
        Objects.requireNonNull(body, "body");
    }

    /** Status and index only: a leaf's body holds its private key. */
    @Override
    public String toString() {
        return "ConsulResponse[status=" + status + ", index=" + index + "]";
    }
}
