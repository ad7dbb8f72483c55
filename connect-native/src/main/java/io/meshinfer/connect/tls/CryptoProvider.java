package io.meshinfer.connect.tls;

import java.lang.reflect.Method;

/**
 * The process-wide TLS settings Connect needs, applied before the first TLS context exists (the JDK reads them
 * once).
 *
 * <ul>
 * <li>Amazon Corretto Crypto Provider (OpenSSL-derived native code) goes first when it is on the class path and
 * loads on this platform: the JDK's own elliptic-curve code makes a P-256 mTLS handshake several times slower.
 * Without it everything works on the JDK's providers. With it, TLS prefers the P-256 key exchange, which it
 * accelerates, unless {@code jdk.tls.namedGroups} is already set.</li>
 * <li>Server sessions resume from the server's session cache instead of stateless tickets, unless
 * {@code jdk.tls.server.enableSessionTicketExtension} is already set: a cache can be emptied when the intentions
 * change, so that a caller denied since its last handshake cannot resume its way past the handshake check.</li>
 * </ul>
 * Idempotent and thread-safe.
 */
public final class CryptoProvider {
    private static final System.Logger LOG = System.getLogger(CryptoProvider.class.getName());
    private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    private static final String NAMED_GROUPS = "jdk.tls.namedGroups";
    private static final String SERVER_TICKETS = "jdk.tls.server.enableSessionTicketExtension";
    private static final String RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
    private static volatile String installed;

    private CryptoProvider() {
    }

    /** Installs the fast provider if possible; returns the name of the provider that now comes first. */
    public static synchronized String installFastest() {
        if (installed != null) {
            return installed;
        }
        if (System.getProperty(SERVER_TICKETS) == null) {
            System.setProperty(SERVER_TICKETS, "false");
        }
        // Only reachable with --allow-tls12; renegotiation is a TLS 1.2 attack surface nobody here needs.
        if (System.getProperty(RENEGOTIATION) == null) {
            System.setProperty(RENEGOTIATION, "true");
        }
        installed = tryAccp() ? "AmazonCorrettoCryptoProvider" : java.security.Security.getProviders()[0].getName();
        return installed;
    }

    // Reflection keeps ACCP optional: it is a platform-specific jar, absent or unloadable on some machines.
    private static boolean tryAccp() {
        try {
            Class<?> provider = Class.forName(ACCP);
            Object instance = provider.getField("INSTANCE").get(null);
            Method loadingError = provider.getMethod("getLoadingError");
            Object error = loadingError.invoke(instance);
            if (error != null) {
                LOG.log(System.Logger.Level.INFO, "Amazon Corretto Crypto Provider does not load here ({0}); "
                        + "using the JDK's providers", error);
                return false;
            }
            provider.getMethod("install").invoke(null);
            if (System.getProperty(NAMED_GROUPS) == null) {
                System.setProperty(NAMED_GROUPS, "secp256r1,x25519,secp384r1");
            }
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(System.Logger.Level.INFO, "Amazon Corretto Crypto Provider unusable ({0}); using the JDK's "
                    + "providers", e.toString());
            return false;
        }
    }
}
