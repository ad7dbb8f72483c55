package io.meshinfer.connect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;

import io.meshinfer.connect.embedded.EmbeddedCa;

class LeafCertTest {
    private static final EmbeddedCa CA = EmbeddedCa.generate("td.consul");

    @Test
    void aConsulStyleSec1KeyAndAChainWithIntermediatesAreRead() throws IOException {
        LeafCert issued = CA.issue("web", List.of(), List.of());
        String sec1 = sec1(issued);
        assertTrue(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"), "Consul's key format");
        String certPem = Pem.encode(issued.certificate(), CA.root());

        LeafCert read = LeafCert.fromPem(certPem, sec1);
        assertEquals(CA.idOf("web"), read.id());
        assertEquals(2, read.chain().size());
        assertEquals(issued.serial(), read.serial());
    }

    @Test
    void aPkcs8KeyIsReadToo() {
        LeafCert issued = CA.issue("web", List.of(), List.of());
        LeafCert read = LeafCert.fromPem(Pem.encode(issued.certificate()), Pem.encode(issued.key()));
        assertEquals(issued.key(), read.key());
    }

    @Test
    void aKeyThatIsNotTheLeafsIsRefused() {
        LeafCert one = CA.issue("web", List.of(), List.of());
        LeafCert other = CA.issue("web", List.of(), List.of());
        var e = assertThrows(IllegalArgumentException.class,
                () -> LeafCert.fromPem(Pem.encode(one.certificate()), Pem.encode(other.key())));
        assertEquals("the private key does not belong to the leaf certificate", e.getMessage());
    }

    @Test
    void theKeyNeverAppearsInTheTextForm() {
        LeafCert leaf = CA.issue("web", List.of(), List.of());
        assertFalse(leaf.toString().contains("PRIVATE"));
        assertFalse(leaf.toString().contains(leaf.key().toString()));
        assertTrue(leaf.toString().contains(leaf.serial()));
    }

    @Test
    void garbageSaysWhatItIsNot() {
        assertEquals("no unencrypted private key in the PEM text",
                assertThrows(IllegalArgumentException.class, () -> Pem.privateKey("hello")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pem.certificates("hello"));
    }

    // As Go's x509.MarshalECPrivateKey writes it (Consul's leaf keys): SEC1 with the named curve inside.
    private static String sec1(LeafCert leaf) throws IOException {
        PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(leaf.key().getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), pkcs8.getPrivateKeyAlgorithm().getParameters());
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        }
        return text.toString();
    }
}
