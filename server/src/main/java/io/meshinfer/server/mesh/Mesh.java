package io.meshinfer.server.mesh;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.connect.EmbeddedOptions;
import io.meshinfer.server.config.ConnectConfig;
import io.meshinfer.server.config.ServerConfig;

/** Builds the Connect side of the server from its configuration: which mode, and the listener's TLS. */
public final class Mesh {
    private Mesh() {
    }

    /** Starts Connect in the mode the configuration asks for (the caller closes it). */
    public static ConnectService start(ServerConfig config) {
        ConnectConfig connect = config.connect();
        Set<String> dns = new LinkedHashSet<>(List.of("localhost"));
        Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        List<String> hosts = new ArrayList<>();
        hosts.add(config.host());
        connect.advertiseAddress().ifPresent(hosts::add);
        for (String host : hosts) {
            if (isAddress(host)) {
                if (!isWildcard(host)) {
                    ips.add(host);
                }
            } else {
                dns.add(host);
            }
        }
        return ConnectService.embedded(new EmbeddedOptions(connect.service(), connect.stateDir(),
                connect.intentionsFile(), List.copyOf(dns), List.copyOf(ips), connect.allowTls12()));
    }

    /** The service listener's TLS: our context, client certificates required, TLS 1.3 (1.2 only when allowed). */
    public static Tls listenerTls(ConnectService connect) {
        return Tls.builder()
                .sslContext(connect.serverContext())
                .clientAuth(TlsClientAuth.REQUIRED)
                .enabledProtocols(connect.protocols())
                .enabledCipherSuites(connect.cipherSuites())
                .build();
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static boolean isWildcard(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
