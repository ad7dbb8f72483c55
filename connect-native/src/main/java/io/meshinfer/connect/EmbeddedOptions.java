package io.meshinfer.connect;

import java.nio.file.Path;
import java.util.List;

/**
 * The single-machine mode's settings.
 *
 * @param service        our service name
 * @param stateDir       where the CA and its key live (0700; keys 0600)
 * @param intentionsFile the {@code service-intentions} config entries to enforce
 * @param dnsNames       host names to put in our leaf for callers that check them (curl)
 * @param ipAddresses    addresses to put in our leaf, likewise
 * @param allowTls12     accept TLS 1.2 besides 1.3
 */
public record EmbeddedOptions(String service, Path stateDir, Path intentionsFile, List<String> dnsNames,
                              List<String> ipAddresses, boolean allowTls12) {

    public EmbeddedOptions {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }
}
