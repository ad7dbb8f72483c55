package io.meshinfer.connect.consul;

import java.io.IOException;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import io.helidon.common.tls.Tls;

/** Builds the client TLS for an {@code https} agent address from the settings' PEM files. */
final class ConsulTls {

    // In-memory key store only; the password protects nothing and is never written anywhere.
    private static final char[] STORE_PASSWORD = "meshinfer".toCharArray();

    private ConsulTls() {
    }

    /**
     * @throws IllegalArgumentException naming the variable whose file cannot be used
     */
    static Tls create(ConsulSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(settings), trustManagers(settings), null);
            SSLParameters parameters = new SSLParameters();
            // With SNI set, the JDK's trust manager checks the certificate against that name instead of the
            // address's host: the meaning of CONSUL_TLS_SERVER_NAME.
            parameters.setEndpointIdentificationAlgorithm(settings.verify() ? "HTTPS" : null);
            settings.tlsServerName().ifPresent(name -> parameters.setServerNames(List.of(new SNIHostName(name))));
            return Tls.builder().sslContext(context).sslParameters(parameters).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS to the Consul agent: " + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(ConsulSettings settings) throws GeneralSecurityException {
        if (settings.clientCert().isEmpty() || settings.clientKey().isEmpty()) {
            return null;
        }
        List<X509Certificate> chain = certificates(ConsulSettings.CLIENT_CERT, settings.clientCert().get());
        PrivateKey key = privateKey(settings.clientKey().get());
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, STORE_PASSWORD);
        return factory.getKeyManagers();
    }

    private static TrustManager[] trustManagers(ConsulSettings settings) throws GeneralSecurityException {
        if (!settings.verify()) {
            return new TrustManager[] {new TrustAnything()};
        }
        List<X509Certificate> roots = new ArrayList<>();
        settings.caFile().ifPresent(file -> roots.addAll(certificates(ConsulSettings.CACERT, file)));
        settings.caPath().ifPresent(dir -> roots.addAll(directory(dir)));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (roots.isEmpty()) {
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        }
        KeyStore store = emptyStore();
        for (int i = 0; i < roots.size(); i++) {
            store.setCertificateEntry("ca-" + i, roots.get(i));
        }
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static List<X509Certificate> directory(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted()
                    .flatMap(file -> certificates(ConsulSettings.CAPATH, file).stream()).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(ConsulSettings.CAPATH + ": cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(String variable, Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(variable + ": cannot read certificates from " + file + ": "
                    + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(variable + ": " + file + " holds no PEM certificate");
        }
        return certificates;
    }

    private static PrivateKey privateKey(Path file) {
        String variable = ConsulSettings.CLIENT_KEY;
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            // Consul's tools write SEC1 ("EC PRIVATE KEY"); others write PKCS#8. EC PARAMETERS blocks are skipped.
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof PEMKeyPair pair) {
                    // Only the private part: SEC1 makes the public key optional, and some tools leave it out.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(variable + ": cannot read a private key from " + file + ": "
                    + e.getMessage());
        }
        throw new IllegalArgumentException(variable + ": " + file + " holds no unencrypted PEM private key");
    }

    /** CONSUL_HTTP_SSL_VERIFY=false: the operator asked for no verification of the agent's certificate. */
    private static final class TrustAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
