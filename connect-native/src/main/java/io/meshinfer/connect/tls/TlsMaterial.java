package io.meshinfer.connect.tls;

import java.security.cert.TrustAnchor;
import java.util.Set;

/**
 * One consistent view of our identity: the leaf we present and the roots we trust, with the trust anchors built
 * once. A handshake reads one of these and uses nothing else, so chain, key and roots never mix two rotations.
 *
 * @param generation increases with every swap; it names the key manager alias
 */
record TlsMaterial(long generation, LeafCert leaf, CaRoots roots, Set<TrustAnchor> anchors) {

    TlsMaterial(long generation, LeafCert leaf, CaRoots roots) {
        this(generation, leaf, roots, Set.copyOf(roots.anchors()));
    }

    String alias() {
        return "meshinfer-" + generation;
    }
}
