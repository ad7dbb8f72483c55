package io.meshinfer.server.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How the service listener proves who we are and decides who may call.
 *
 * @param plaintext        plain HTTP with no identity (loopback only); false means mTLS
 * @param allowTls12       accept TLS 1.2 besides 1.3
 * @param service          our logical service name
 * @param serviceId        the Consul instance ID, when set
 * @param advertiseAddress the address registered in Consul, when set
 * @param stateDir         embedded mode's CA, keys and intentions file
 * @param intentionsFile   embedded mode's intentions file
 * @param consul           Consul's client settings by variable name ({@code CONSUL_HTTP_ADDR} ...), only those set
 */
public record ConnectConfig(boolean plaintext,
                            boolean allowTls12,
                            String service,
                            Optional<String> serviceId,
                            Optional<String> advertiseAddress,
                            Path stateDir,
                            Path intentionsFile,
                            Map<String, String> consul) {

    public ConnectConfig {
        consul = Map.copyOf(consul);
    }

    /** Consul mode is on when the agent address is set; otherwise the embedded CA and intentions file serve. */
    public boolean consulMode() {
        return consul.containsKey(Settings.CONSUL_HTTP_ADDR.environmentVariable());
    }

    /** {@code $XDG_STATE_HOME/meshinfer}, else {@code ~/.local/state/meshinfer}. */
    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("meshinfer");
    }

    @Override
    public String toString() {
        // The Consul settings may hold the ACL token.
        return "ConnectConfig[plaintext=" + plaintext + ", service=" + service + ", stateDir=" + stateDir
                + ", consul=" + consulMode() + "]";
    }
}
