package io.meshinfer.server;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.connect.HelidonMappers;
import io.meshinfer.models.Model;
import io.meshinfer.models.Models;
import io.meshinfer.models.runtime.OrtTelemetry;
import io.meshinfer.server.config.ServerConfig;
import io.meshinfer.server.config.Settings;
import io.meshinfer.server.http.AdminRouting;
import io.meshinfer.server.http.CallerAuthorization;
import io.meshinfer.server.http.Exchange;
import io.meshinfer.server.http.Http10Refusal;
import io.meshinfer.server.http.ServiceRouting;
import io.meshinfer.server.http.TransportErrors;
import io.meshinfer.server.inference.Inference;
import io.meshinfer.server.mesh.Mesh;
import io.meshinfer.server.mesh.MeshStart;
import io.meshinfer.server.metrics.ServerMetrics;
import io.meshinfer.server.socket.CallerConnections;
import io.meshinfer.server.socket.ListenerPorts;
import io.meshinfer.server.socket.ListenerPorts.Listener;

/**
 * A running meshinfer: the models, the service listener and the admin listener.
 *
 * <p>{@link #start} returns once every model is loaded and both listeners accept connections; {@link #close}
 * stops taking requests, lets in-flight ones finish, then unloads the models.
 */
public final class MeshinferServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MeshinferServer.class.getName());
    private static final String ADMIN = "admin";

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    static {
        HelidonMappers.fix();
    }

    private final Models models;
    private final WebServer webServer;
    private final Exchange exchange;
    private final Optional<ConnectService> connect;
    private volatile boolean ready;

    private MeshinferServer(Models models, WebServer webServer, Exchange exchange, Optional<ConnectService> connect) {
        this.models = models;
        this.webServer = webServer;
        this.exchange = exchange;
        this.connect = connect;
    }

    /** Loads the models and starts both listeners. */
    public static MeshinferServer start(ServerConfig config) {
        // Before the models load: a port in use is found in milliseconds, not after seconds of loading.
        requireListenable(config);
        ServerMetrics metrics = new ServerMetrics();
        // Before Connect's thread starts, since it changes the process environment.
        OrtTelemetry.disable();
        MeshStart starting = MeshStart.begin(config);
        Models models;
        try {
            models = Models.load(config.models(), config.defaultModel(), config.execution(), config.batch(),
                                 metrics, config.cacheDir());
        } catch (RuntimeException | Error e) {
            // Errors too: ONNX Runtime's native libraries fail to load with one.
            starting.abandon(e);
            throw e;
        }
        Optional<ConnectService> connect;
        try {
            connect = starting.await();
        } catch (RuntimeException | Error e) {
            models.close();
            throw e;
        }
        try {
            models.all().forEach(metrics::watch);
            Inference inference = new Inference(models, config.autoTruncate());
            CallerConnections callers = new CallerConnections();
            Exchange exchange = new Exchange(inference, metrics, config.payloadLimit(), callers);

            HttpRouting.Builder service = HttpRouting.builder();
            connect.ifPresent(c -> {
                c.onRefusal((kind, detail) -> metrics.handshakeRefused(kind));
                metrics.watch(c);
                service.addFilter(new CallerAuthorization(c, exchange, metrics));
            });
            MeshinferServer[] self = new MeshinferServer[1];
            BooleanSupplier ready = () -> self[0] != null && self[0].ready();
            new ServiceRouting(exchange, inference, config, ready).register(service);
            HttpRouting.Builder admin = HttpRouting.builder();
            new AdminRouting(metrics, ready, () -> connect.map(ConnectService::status)).register(admin);

            DirectHandlers transportErrors = TransportErrors.handlers(metrics);
            var listeners = WebServer.builder();
            connect.ifPresent(c -> listeners.tls(Mesh.listenerTls(c, callers)));
            WebServer webServer = listeners
                    .host(config.host())
                    .port(config.port())
                    // The TLS handshake is several small writes; with Nagle each waits for a delayed ACK (~40 ms).
                    .connectionOptions(options -> options.tcpNoDelay(true))
                    .shutdownGracePeriod(Duration.ofSeconds(10))
                    .shutdownHook(false)
                    .routing(service)
                    .directHandlers(transportErrors)
                    .addConnectionSelector(new Http10Refusal(metrics))
                    .putSocket(ADMIN, socket -> socket.host(config.adminHost())
                            .port(config.adminPort())
                            .directHandlers(transportErrors)
                            .addConnectionSelector(new Http10Refusal(metrics))
                            .routing(admin))
                    .build()
                    .start();
            if (!webServer.isRunning()) {
                // Bound by someone else since the check above.
                requireListenable(config);
                throw new IllegalStateException("the listeners did not start; the log above says why");
            }
            self[0] = new MeshinferServer(models, webServer, exchange, connect);
            self[0].ready = true;
            MeshinferServer server = self[0];
            try {
                connect.ifPresent(c -> Mesh.register(c, config, webServer.port(),
                        models.all().stream().map(Model::description).toList(), () -> server.ready));
            } catch (RuntimeException e) {
                webServer.stop();
                throw e;
            }
            String scheme = connect.map(c -> "https (mTLS as " + c.id().map(Object::toString).orElse("?") + ")")
                    .orElse("http");
            LOG.info("meshinfer " + Version.VERSION + " serving " + scheme + " on " + config.host() + ":"
                             + webServer.port() + " (admin on http://" + config.adminHost() + ":"
                             + webServer.port(ADMIN) + ")");
            return self[0];
        } catch (RuntimeException e) {
            models.close();
            connect.ifPresent(ConnectService::close);
            throw e;
        }
    }

    private static void requireListenable(ServerConfig config) {
        ListenerPorts.unavailable(List.of(
                new Listener(Settings.PORT.flag(), config.host(), config.port()),
                new Listener(Settings.ADMIN_PORT.flag(), config.adminHost(), config.adminPort())))
                .ifPresent(reason -> {
                    throw new IllegalStateException(reason);
                });
    }

    /** The service listener's port (the real one when 0 was asked for). */
    public int port() {
        return webServer.port();
    }

    /** The admin listener's port. */
    public int adminPort() {
        return webServer.port(ADMIN);
    }

    public Models models() {
        return models;
    }

    /**
     * Drains and stops: readiness turns false and the Consul health check fails first (so load balancers and
     * callers stop sending), requests in flight finish (up to 30 s), then the listeners close, the models unload
     * and the instance is deregistered.
     */
    @Override
    public void close() {
        ready = false;
        connect.ifPresent(c -> {
            c.drain();
            try {
                // Callers learn of the failed check through their own watches; give them a moment to pick
                // another instance before the listener stops answering.
                Thread.sleep(c.drainGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            if (!exchange.awaitIdle(DRAIN_TIMEOUT)) {
                LOG.warning("requests still in flight after " + DRAIN_TIMEOUT.toSeconds() + " s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        webServer.stop();
        models.close();
        connect.ifPresent(ConnectService::close);
    }

    /** Models loaded, listeners up, not draining, and (with mTLS) a valid leaf, the roots and the intentions. */
    public boolean ready() {
        return ready && connect.map(ConnectService::ready).orElse(true);
    }

    /** Connect, unless the listener serves plain HTTP. */
    public Optional<ConnectService> connect() {
        return connect;
    }
}
