package io.meshinfer.server.mesh;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.connect.ConsulOptions;
import io.meshinfer.connect.EmbeddedOptions;
import io.meshinfer.connect.Registration;
import io.meshinfer.connect.consul.BlockingWatch;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.server.Version;
import io.meshinfer.server.config.ConnectConfig;
import io.meshinfer.server.config.ServerConfig;
import io.meshinfer.server.config.Settings;
import io.meshinfer.server.socket.CallerConnections;

/** Builds the Connect side of the server from its configuration: which mode, and the listener's TLS. */
public final class Mesh {
    private Mesh() {
    }

    /** How long start-up waits for the first leaf, roots and intentions from the Consul agent. */
    private static final Duration FIRST_SNAPSHOTS = Duration.ofSeconds(30);

    /**
     * Starts Connect in the mode the configuration asks for and waits for its first identity and intentions
     * (the caller closes it).
     *
     * @throws IllegalArgumentException when a Consul setting is invalid or the agent gives us no identity in time
     */
    public static ConnectService start(ServerConfig config) {
        ConnectConfig connect = config.connect();
        if (connect.consulMode()) {
            ConnectService consul = ConnectService.consul(new ConsulOptions(connect.consul(), connect.service(),
                    connect.allowTls12(), BlockingWatch.DEFAULT_WAIT));
            try {
                if (!consul.awaitReady(FIRST_SNAPSHOTS)) {
                    throw new IllegalArgumentException("the Consul agent at "
                            + connect.consul().get(Settings.CONSUL_HTTP_ADDR.environmentVariable()) + " gave no identity "
                            + "within " + FIRST_SNAPSHOTS.toSeconds() + " s: "
                            + String.join("; ", consul.notReadyReasons()));
                }
                return consul;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                consul.close();
                throw new IllegalStateException("interrupted while waiting for the Consul agent", e);
            } catch (RuntimeException e) {
                consul.close();
                throw e;
            }
        }
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

    /** Registers the running server in Consul's catalog (a no-op in embedded mode). */
    public static void register(ConnectService connect, ServerConfig config, int port, List<ModelDescription> models,
                                BooleanSupplier ready) {
        String address = config.connect().advertiseAddress().orElseGet(() -> isWildcard(config.host())
                ? hostAddress() : config.host());
        String serviceId = config.connect().serviceId().orElseGet(() -> connect.service() + "-" + hostName() + "-"
                + port);
        Set<String> tasks = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        for (ModelDescription model : models) {
            tasks.add(model.task().label());
            names.add(model.name());
        }
        List<String> tags = new ArrayList<>(List.of("meshinfer"));
        tags.addAll(tasks);
        connect.register(new Registration(serviceId, address, port, tags, Map.of(
                "meshinfer_version", Version.VERSION,
                "models", String.join(",", names),
                "tasks", String.join(",", tasks)), ready));
    }

    /**
     * The service listener's TLS: our context, client certificates required, TLS 1.3 (1.2 only when allowed), on
     * connections that {@code callers} watches for hang-ups.
     */
    public static Tls listenerTls(ConnectService connect, CallerConnections callers) {
        return Tls.builder()
                .sslContext(callers.listenerContext(connect.serverContext()))
                .clientAuth(TlsClientAuth.REQUIRED)
                .enabledProtocols(connect.protocols())
                .enabledCipherSuites(connect.cipherSuites())
                .build();
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9-]", "-");
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    // Binding every interface: advertise the address the host name resolves to.
    private static String hostAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static boolean isWildcard(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
