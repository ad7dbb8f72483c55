package io.meshinfer.connect.tls;

/** Hears of every caller the handshake refused, for metrics and logs; must be cheap and must not throw. */
@FunctionalInterface
public interface RefusalListener {
    /**
     * @param kind   {@code "untrusted"} (no valid identity in our trust domain) or {@code "denied"} (the intentions)
     * @param detail what was wrong, for a log line (identities and reasons, never key material)
     */
    void refused(String kind, String detail);
}
