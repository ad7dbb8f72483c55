package io.meshinfer.connect;

import java.time.Duration;
import java.util.Map;

/**
 * The Consul mode's settings.
 *
 * @param consul     Consul's client settings by variable name ({@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN}, ...)
 * @param service    our service name
 * @param allowTls12 accept TLS 1.2 besides 1.3
 * @param watchWait  how long each blocking query may hang (5 minutes unless a test wants faster turnover)
 */
public record ConsulOptions(Map<String, String> consul, String service, boolean allowTls12, Duration watchWait) {

    public ConsulOptions {
        consul = Map.copyOf(consul);
    }

    @Override
    public String toString() {
        // The settings may hold the ACL token.
        return "ConsulOptions[service=" + service + ", address=" + consul.get("CONSUL_HTTP_ADDR") + "]";
    }
}
