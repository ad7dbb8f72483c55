package io.meshinfer.connect.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.connect.tls.LeafCert;

/**
 * Our leaf from the embedded CA: issued at start and re-issued at half its lifetime, as Consul's agent renews
 * leaves, so that rotation is exercised in the single-machine mode too. Thread-safe; one renewal thread.
 */
public final class EmbeddedIdentity implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedIdentity.class.getName());

    private final EmbeddedCa ca;
    private final String service;
    private final List<String> dnsNames;
    private final List<String> ipAddresses;
    private final IdentityState state;
    private final Thread renewer;

    private EmbeddedIdentity(EmbeddedCa ca, String service, List<String> dnsNames, List<String> ipAddresses,
                             IdentityState state) {
        this.ca = ca;
        this.service = service;
        this.dnsNames = List.copyOf(dnsNames);
        this.ipAddresses = List.copyOf(ipAddresses);
        this.state = state;
        this.renewer = Thread.ofVirtual().name("embedded-leaf-renewal").unstarted(this::renewLoop);
    }

    /**
     * Publishes the CA's roots and a fresh leaf for {@code service} into {@code state}, then keeps the leaf fresh.
     * The host names and addresses go into the leaf too, for callers such as curl that check them.
     */
    public static EmbeddedIdentity start(EmbeddedCa ca, String service, List<String> dnsNames,
                                         List<String> ipAddresses, IdentityState state) {
        EmbeddedIdentity identity = new EmbeddedIdentity(ca, service, dnsNames, ipAddresses, state);
        state.roots(ca.roots());
        identity.issue();
        identity.renewer.start();
        return identity;
    }

    private LeafCert issue() {
        LeafCert leaf = ca.issue(service, dnsNames, ipAddresses);
        state.leaf(leaf);
        return leaf;
    }

    private void renewLoop() {
        LeafCert leaf = state.leaf().orElseThrow();
        while (!Thread.currentThread().isInterrupted()) {
            Duration life = Duration.between(leaf.validAfter(), leaf.validBefore());
            Duration wait = Duration.between(Instant.now(), leaf.validAfter().plus(life.dividedBy(2)));
            try {
                if (wait.isPositive()) {
                    Thread.sleep(wait);
                }
                leaf = issue();
                LOG.log(System.Logger.Level.INFO, "renewed our leaf: {0}", leaf);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot renew our leaf; retrying in a minute", e);
                try {
                    Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        renewer.interrupt();
    }
}
