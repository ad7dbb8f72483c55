package io.meshinfer.connect.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the current leaf and its intermediates. The alias it picks names one {@link TlsMaterial}, and the
 * chain and key are looked up by that alias, so one handshake never mixes two rotations. Thread-safe.
 */
final class LeafKeyManager extends X509ExtendedKeyManager {
    private final IdentityState state;

    LeafKeyManager(IdentityState state) {
        this.state = state;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        for (String keyType : keyTypes) {
            String alias = aliasFor(keyType);
            if (alias != null) {
                return alias;
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        TlsMaterial material = state.byAlias(alias);
        return material == null ? null : material.leaf().chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        TlsMaterial material = state.byAlias(alias);
        return material == null ? null : material.leaf().key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return getServerAliases(keyType, issuers);
    }

    // The JDK asks per key type ("EC", "RSA", "RSASSA-PSS", ...); answer only for the type our key has.
    private String aliasFor(String keyType) {
        TlsMaterial material = state.current();
        if (material == null) {
            return null;
        }
        String algorithm = material.leaf().key().getAlgorithm();
        boolean matches = keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
                || ("RSASSA-PSS".equals(keyType) && "RSA".equals(algorithm));
        return matches ? material.alias() : null;
    }
}
