package io.meshinfer.connect;

import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import io.meshinfer.connect.embedded.EmbeddedIdentity;
import io.meshinfer.connect.embedded.IntentionsFile;
import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.connect.intentions.HttpRequestFacts;
import io.meshinfer.connect.intentions.IntentionSet;
import io.meshinfer.connect.tls.ConnectTls;
import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.connect.tls.LeafCert;

/**
 * Connect for one service, the whole public surface: a server TLS context that proves our identity and refuses
 * callers the intentions deny, a client context to dial another service, the per-request decision, and a status.
 * Identity and policy come from a Consul agent's watches or, on one machine, from an embedded CA and an
 * intentions file; everything downstream is the same code.
 *
 * <p>Thread-safe. Identity and intentions are immutable snapshots swapped whole; readers never lock.
 */
public final class ConnectService implements AutoCloseable {
    private static final Decision NO_IDENTITY = Decision.deny("no verified client identity");
    private static final Decision NOT_READY = Decision.deny("intentions are not loaded yet");

    private final String mode;
    private final String service;
    private final IdentityState identity;
    private final ConnectTls tls;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final BooleanSupplier agentReachable;
    private volatile IntentionSet intentions;

    private ConnectService(String mode, String service, IdentityState identity, boolean allowTls12,
                           BooleanSupplier agentReachable) {
        this.mode = mode;
        this.service = service;
        this.identity = identity;
        this.agentReachable = agentReachable;
        this.tls = ConnectTls.create(identity, this::authorizeConnection, allowTls12);
    }

    /**
     * Single-machine mode: the CA and keys live in {@code embedded.stateDir()}, the rules in its intentions file.
     */
    public static ConnectService embedded(EmbeddedOptions embedded) {
        ConnectService connect = new ConnectService("embedded", embedded.service(), new IdentityState(),
                embedded.allowTls12(), () -> true);
        try {
            var ca = StateDirectory.open(embedded.stateDir()).ca();
            connect.parts.add(IntentionsFile.follow(embedded.intentionsFile(), ca.idOf(embedded.service()),
                    rules -> connect.intentions = rules));
            connect.parts.add(EmbeddedIdentity.start(ca, embedded.service(), embedded.dnsNames(),
                    embedded.ipAddresses(), connect.identity));
            return connect;
        } catch (RuntimeException e) {
            connect.close();
            throw e;
        }
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

    /** A client context presenting our leaf that accepts only {@code target}'s identity. */
    public SSLContext dial(String target) {
        return tls.clientContext(id -> id.service().equals(target));
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
     * The per-request decision: L4 again (so a new deny reaches open connections) and the L7 permissions. No
     * agent call: it reads the current snapshots.
     *
     * @param peerChain the certificates the caller presented in its handshake
     */
    public Decision authorize(Certificate[] peerChain, HttpRequestFacts request) {
        Optional<SpiffeId> caller = tls.caller(peerChain);
        if (caller.isEmpty()) {
            return NO_IDENTITY;
        }
        IntentionSet rules = intentions;
        return rules == null ? NOT_READY : rules.authorizeRequest(caller.get(), request);
    }

    /** The caller's proven identity, for metrics and logs. */
    public Optional<SpiffeId> caller(Certificate[] peerChain) {
        return tls.caller(peerChain);
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
        return new ConnectStatus(mode, problems.isEmpty(), leaf.map(LeafCert::serial), leaf.map(LeafCert::validBefore),
                identity.roots().map(r -> r.roots().size()).orElse(0), rules == null ? 0 : rules.index(),
                agentReachable.getAsBoolean(), problems);
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
        if (!agentReachable.getAsBoolean()) {
            problems.add("Consul agent unreachable; serving with the last identity and intentions");
        }
        return problems;
    }

    private Decision authorizeConnection(SpiffeId caller) {
        IntentionSet rules = intentions;
        return rules == null ? NOT_READY : rules.authorizeConnection(caller);
    }

    @Override
    public void close() {
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
