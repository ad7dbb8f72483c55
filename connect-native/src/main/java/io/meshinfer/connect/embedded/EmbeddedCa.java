package io.meshinfer.connect.embedded;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.tls.CaRoots;
import io.meshinfer.connect.tls.LeafCert;

/**
 * A certificate authority in the process, for single-machine use: the same layout Consul's built-in CA uses
 * (P-256 keys, a root whose URI SAN is {@code spiffe://<trust-domain>}, leaves whose one URI SAN is the
 * service's SPIFFE ID, usable for both server and client authentication), so everything downstream is the
 * code that serves Consul's certificates. Immutable and thread-safe.
 */
public final class EmbeddedCa {
    /** Consul's default datacenter name, used in every SPIFFE ID this CA issues. */
    public static final String DATACENTER = "dc1";
    /** Consul's default leaf lifetime. */
    public static final Duration LEAF_TTL = Duration.ofHours(72);

    private static final Duration ROOT_TTL = Duration.ofDays(3650);
    private static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String trustDomain;
    private final X509Certificate root;
    private final PrivateKey rootKey;

    EmbeddedCa(String trustDomain, X509Certificate root, PrivateKey rootKey) {
        this.trustDomain = trustDomain;
        this.root = root;
        this.rootKey = rootKey;
    }

    /** A new root for {@code trustDomain} (for example {@code <uuid>.consul}, as Consul names its domains). */
    public static EmbeddedCa generate(String trustDomain) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        try {
            X500Name name = new X500Name("CN=meshinfer CA " + serial().toString(16));
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(ROOT_TTL)), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                                    "spiffe://" + trustDomain)));
            return new EmbeddedCa(trustDomain, sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a CA root", e);
        }
    }

    public String trustDomain() {
        return trustDomain;
    }

    public X509Certificate root() {
        return root;
    }

    PrivateKey rootKey() {
        return rootKey;
    }

    public CaRoots roots() {
        return new CaRoots(trustDomain, List.of(root));
    }

    /** The SPIFFE ID this CA gives a service. */
    public SpiffeId idOf(String service) {
        return SpiffeId.service(trustDomain, SpiffeId.DEFAULT, DATACENTER, service);
    }

    /** A leaf for {@code service}, valid for {@link #LEAF_TTL}, with host names for callers that check them. */
    public LeafCert issue(String service, List<String> dnsNames, List<String> ipAddresses) {
        Instant now = Instant.now();
        return issue(idOf(service), now.minus(BACKDATE), now.plus(LEAF_TTL), dnsNames, ipAddresses);
    }

    /**
     * A leaf for any identity and validity window; tests use it for expired leaves and foreign trust domains.
     */
    public LeafCert issue(SpiffeId id, Instant notBefore, Instant notAfter, List<String> dnsNames,
                          List<String> ipAddresses) {
        KeyPair keys = newKeyPair();
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toUri()));
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + id.service()), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(root))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)));
            return new LeafCert(id, List.of(sign(builder, rootKey)), keys.getPrivate());
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a leaf for " + id, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make P-256 keys", e);
        }
    }

    // Positive 127-bit serials: unique without coordination, and never a negative DER integer.
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }
}
