package io.meshinfer.connect.embedded;

import java.security.PrivateKey;

/** Test access to a CA's root key, to build a self-signed "leaf" from it. */
public final class EmbeddedCaKeys {
    private EmbeddedCaKeys() {
    }

    public static PrivateKey rootKey(EmbeddedCa ca) {
        return ca.rootKey();
    }
}
