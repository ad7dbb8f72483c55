package io.meshinfer.server.mesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.connect.tls.Pem;

/**
 * A caller as curl would be one: an SSL context made from the three files {@code meshinfer cert issue} writes,
 * with the JDK's ordinary PKIX trust (host names checked), not meshinfer's own managers.
 */
final class CallerFiles {
    private static final char[] NO_PASSWORD = new char[0];

    private CallerFiles() {
    }

    static SSLContext context(Path dir) throws IOException, GeneralSecurityException {
        LeafCert leaf = LeafCert.fromPem(Files.readString(dir.resolve("cert.pem")),
                Files.readString(dir.resolve("key.pem")));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("caller", leaf.key(), NO_PASSWORD, leaf.chain().toArray(Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, NO_PASSWORD);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (var root : Pem.certificates(Files.readString(dir.resolve("ca.pem")))) {
            trust.setCertificateEntry("root-" + i++, root);
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
