package io.meshinfer.connect;

import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import io.meshinfer.connect.consul.AgentWatches;
import io.meshinfer.connect.consul.ConsulClient;
import io.meshinfer.connect.consul.ConsulSettings;
import io.meshinfer.connect.consul.Registrar;
import io.meshinfer.connect.consul.ServiceRegistration;
import io.meshinfer.connect.embedded.EmbeddedIdentity;
import io.meshinfer.connect.embedded.IntentionsFile;
import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.connect.intentions.HttpRequestFacts;
import io.meshinfer.connect.intentions.IntentionSet;
import io.meshinfer.connect.tls.ConnectTls;
import io.meshinfer.connect.tls.CryptoProvider;
import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.connect.tls.RefusalListener;

/**
 * Connect for one service, the whole public surface: a server TLS context that proves our identity and refuses
 * callers the intentions deny, a client context to dial another service, the per-request decision, and a status.
 * Identity and policy come from a Consul agent's watches or, on one machine, from an embedded CA and an
 * intentions file; everything downstream is the same code.
 *
 * <p>Thread-safe. Identity and intentions are immutable snapshots swapped whole; readers never lock.
 */
public final class ConnectService implements AutoCloseable {
    /** The answer for a request whose caller proved no identity that holds under the current trust material. */
    public static final Decision NO_IDENTITY = Decision.deny("no verified client identity");
    private static final Decision NOT_READY = Decision.deny("intentions are not loaded yet");

    private static final Duration TTL = Duration.ofSeconds(15);
    private static final Duration DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(10);
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);

    private final String mode;
    private final String service;
    private final IdentityState identity = new IdentityState();
    private final ConnectTls tls;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final ConsulClient consul;
    private volatile AgentWatches watches;
    private volatile Registrar registrar;
    private volatile IntentionSet intentions;

    private ConnectService(String mode, String service, boolean allowTls12, ConsulClient consul) {
        this.mode = mode;
        this.service = service;
        this.consul = consul;
        this.tls = ConnectTls.create(identity, this::authorizeConnection, allowTls12);
    }

    /**
     * Single-machine mode: the CA and keys live in {@code embedded.stateDir()}, the rules in its intentions file.
     */
    public static ConnectService embedded(EmbeddedOptions embedded) {
        ConnectService connect = new ConnectService("embedded", embedded.service(), embedded.allowTls12(), null);
        try {
            var ca = StateDirectory.open(embedded.stateDir()).ca();
            connect.parts.add(IntentionsFile.follow(embedded.intentionsFile(), ca.idOf(embedded.service()),
                    connect::intentions));
            connect.parts.add(EmbeddedIdentity.start(ca, embedded.service(), embedded.dnsNames(),
                    embedded.ipAddresses(), connect.identity));
            return connect;
        } catch (RuntimeException e) {
            connect.close();
            throw e;
        }
    }

    /**
     * Consul mode: our leaf, the roots and the intentions come from the local agent's blocking queries, and the
     * default intention policy from its configuration. Returns at once; {@link #awaitReady} waits for the first
     * snapshots.
     *
     * @throws IllegalArgumentException when a Consul setting is invalid (the message names the variable)
     */
    public static ConnectService consul(ConsulOptions options) {
        CryptoProvider.installFastest();
        ConsulClient client = ConsulClient.create(ConsulSettings.from(options.consul()));
        ConnectService connect = new ConnectService("consul", options.service(), options.allowTls12(), client);
        connect.parts.add(client);
        try {
            connect.watches = AgentWatches.start(client, options.service(), options.watchWait(), connect.identity,
                    connect::intentions);
            connect.parts.add(connect.watches);
            return connect;
        } catch (RuntimeException e) {
            connect.close();
            throw e;
        }
    }

    /**
     * Registers this instance with the agent (Consul mode; the embedded mode has no catalog), with a TTL check that
     * passes while {@link #ready()} and the server's own readiness hold, and re-registers whenever the agent forgot
     * it. Deregistered by {@link #close()}.
     */
    public synchronized void register(Registration registration) {
        if (consul == null) {
            return;
        }
        if (registrar != null) {
            throw new IllegalStateException("already registered");
        }
        BooleanSupplier serverReady = registration.serverReady();
        registrar = Registrar.start(consul, new ServiceRegistration(registration.serviceId(), service,
                registration.address(), registration.port(), registration.tags(), registration.meta(), TTL,
                DEREGISTER_CRITICAL_AFTER), () -> {
                    List<String> failing = problems();
                    if (!serverReady.getAsBoolean()) {
                        failing.add("server not ready (models loading or draining)");
                    }
                    return failing;
                }, this::warnings);
        parts.add(registrar);
    }

    /** The first step of a graceful shutdown: the health check fails now, so that callers stop picking us. */
    public void drain() {
        Registrar current = registrar;
        if (current != null) {
            current.drain();
        }
    }

    /** How long to keep serving after {@link #drain()}: zero without a catalog to leave. */
    public Duration drainGrace() {
        return registrar == null ? Duration.ZERO : DRAIN_GRACE;
    }

    /**
     * Reports each refused handshake to {@code listener} (metrics), besides a log line at most every ten seconds
     * per kind: a flood of refused callers must not flood the log.
     */
    public void onRefusal(RefusalListener listener) {
        RateLimitedLog log = new RateLimitedLog(REFUSAL_LOG_INTERVAL);
        tls.onRefusal((kind, detail) -> {
            listener.refused(kind, detail);
            log.warn(kind, "refused a caller in the handshake ({0}): {1}", kind, detail);
        });
    }

    /** The SSL context for the mTLS listener (client certificates must be required by the listener). */
    public SSLContext serverContext() {
        return tls.serverContext();
    }

    /** The protocols the listener should enable: TLS 1.3, and 1.2 only when allowed. */
    public List<String> protocols() {
        return tls.protocols();
    }

    public List<String> cipherSuites() {
        return tls.cipherSuites();
    }

    /**
     * A client context presenting our leaf that accepts only {@code target} in our own partition and namespace
     * (any datacenter of the trust domain).
     */
    public SSLContext dial(String target) {
        return tls.clientContext(id -> id.service().equals(target) && identity.leaf().map(LeafCert::id)
                .filter(self -> self.partition().equals(id.partition()) && self.namespace().equals(id.namespace()))
                .isPresent());
    }

    /** Our own identity, once we have a leaf. */
    public Optional<SpiffeId> id() {
        return identity.leaf().map(LeafCert::id);
    }

    /** The name of the service we are. */
    public String service() {
        return service;
    }

    /**
     * The identity a caller proved in its handshake, if it still holds under the current trust material (its leaf
     * not expired, its root still trusted); without one, a request is answered with {@link #NO_IDENTITY}.
     *
     * @param peerChain the certificates the caller presented in its handshake
     */
    public Optional<SpiffeId> caller(Certificate[] peerChain) {
        return tls.caller(peerChain);
    }

    /**
     * The per-request decision for a proven caller: L4 again (so a new deny reaches open connections) and the L7
     * permissions. No agent call: it reads the current snapshots.
     */
    public Decision authorize(SpiffeId caller, HttpRequestFacts request) {
        IntentionSet rules = intentions;
        return rules == null ? NOT_READY : rules.authorizeRequest(caller, request);
    }

    /** Whether a valid leaf, the roots and the intentions are in hand. */
    public boolean ready() {
        return problems().isEmpty();
    }

    /** Waits until {@link #ready()}, up to {@code timeout}. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public ConnectStatus status() {
        IntentionSet rules = intentions;
        Optional<LeafCert> leaf = identity.leaf();
        List<String> problems = problems();
        boolean ready = problems.isEmpty();
        problems.addAll(warnings());
        return new ConnectStatus(mode, ready, leaf.map(LeafCert::serial), leaf.map(LeafCert::validBefore),
                identity.roots().map(r -> r.roots().size()).orElse(0), rules == null ? 0 : rules.index(),
                agentReachable(), problems);
    }

    /** What {@link #awaitReady} still waits for, and whether the agent answers at all: for a start that gave up. */
    public List<String> notReadyReasons() {
        List<String> reasons = problems();
        if (!agentReachable()) {
            reasons.add("the agent does not answer");
        }
        return reasons;
    }

    private boolean agentReachable() {
        AgentWatches w = watches;
        Registrar r = registrar;
        return consul == null || (w != null && w.healthy() && (r == null || r.healthy()));
    }

    // Degraded but serving: fail-static on the last snapshots.
    private List<String> warnings() {
        return agentReachable() ? List.of()
                : List.of("Consul agent unreachable; serving with the last identity and intentions");
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        Optional<LeafCert> leaf = identity.leaf();
        if (leaf.isEmpty()) {
            problems.add("no leaf certificate yet");
        } else if (!leaf.get().validAt(Instant.now())) {
            problems.add("our leaf certificate expired at " + leaf.get().validBefore());
        }
        if (identity.roots().isEmpty()) {
            problems.add("no CA roots yet");
        }
        if (intentions == null) {
            problems.add("no intentions yet");
        }
        return problems;
    }

    // A new rule set also ends session resumption: a caller denied now must meet the handshake check again.
    private void intentions(IntentionSet rules) {
        intentions = rules;
        tls.forgetSessions();
    }

    private Decision authorizeConnection(SpiffeId caller) {
        IntentionSet rules = intentions;
        return rules == null ? NOT_READY : rules.authorizeConnection(caller);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                System.getLogger(ConnectService.class.getName())
                        .log(System.Logger.Level.WARNING, "closing " + part + " failed", e);
            }
        }
    }
}
