package io.meshinfer.connect.tls;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The current leaf and roots, fed by two independent sources (watches, or the embedded CA) and read by every
 * handshake. Each update builds a whole new {@link TlsMaterial} and publishes it with one volatile write; readers
 * never lock. The previous material stays reachable for one more swap, so a handshake that picked its alias just
 * before a rotation still finds its chain and key.
 *
 * <p>Thread-safe: updates are serialised, reads are lock-free.
 */
public final class IdentityState {
    private static final System.Logger LOG = System.getLogger(IdentityState.class.getName());

    private LeafCert leaf;
    private CaRoots roots;
    private long generation;
    private volatile TlsMaterial current;
    private volatile TlsMaterial previous;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Runs {@code listener} after every swap of the material (on the updating thread). */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Replaces our leaf. */
    public synchronized void leaf(LeafCert leaf) {
        this.leaf = leaf;
        publish();
    }

    /** Replaces the trusted roots. */
    public synchronized void roots(CaRoots roots) {
        this.roots = roots;
        publish();
    }

    public Optional<LeafCert> leaf() {
        TlsMaterial material = current;
        return material == null ? Optional.empty() : Optional.of(material.leaf());
    }

    public Optional<CaRoots> roots() {
        TlsMaterial material = current;
        return material == null ? Optional.empty() : Optional.of(material.roots());
    }

    TlsMaterial current() {
        return current;
    }

    TlsMaterial byAlias(String alias) {
        TlsMaterial now = current;
        if (now != null && now.alias().equals(alias)) {
            return now;
        }
        TlsMaterial before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    private void publish() {
        if (leaf == null || roots == null) {
            return;
        }
        if (!leaf.id().inTrustDomain(roots.trustDomain())) {
            // Roots and leaf arrive separately; during a trust-domain change one may briefly lead the other.
            LOG.log(Level.WARNING, "our leaf {0} is not in the trust domain {1} of the current roots",
                    leaf.id(), roots.trustDomain());
        }
        previous = current;
        current = new TlsMaterial(++generation, leaf, roots);
        listeners.forEach(Runnable::run);
    }
}
