package io.meshinfer.connect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.embedded.EmbeddedCa;

/** Why a peer chain is refused: each rule on its own, with the reason the handshake failure carries. */
class PeerVerifierTest {
    private static final String TRUST_DOMAIN = "td.consul";
    private static final EmbeddedCa CA = EmbeddedCa.generate(TRUST_DOMAIN);
    private static final TlsMaterial MATERIAL =
            new TlsMaterial(1, CA.issue("inference", List.of(), List.of()), CA.roots());

    @Test
    void aLeafUnderOurRootYieldsItsSpiffeId() throws CertificateException {
        LeafCert web = CA.issue("web", List.of("localhost"), List.of("127.0.0.1"));
        assertEquals(CA.idOf("web"), PeerVerifier.verify(chain(web), MATERIAL, PeerVerifier.Role.CLIENT));
    }

    @Test
    void aChainThatRepeatsTheRootIsAccepted() throws CertificateException {
        LeafCert web = CA.issue("web", List.of(), List.of());
        X509Certificate[] withRoot = {web.certificate(), CA.root()};
        assertEquals(CA.idOf("web"), PeerVerifier.verify(withRoot, MATERIAL, PeerVerifier.Role.CLIENT));
    }

    record Refused(String name, X509Certificate[] chain, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> refused() {
        Instant now = Instant.now();
        EmbeddedCa stranger = EmbeddedCa.generate(TRUST_DOMAIN);
        return Stream.of(
                new Refused("no certificate", new X509Certificate[0], "no peer certificate"),
                new Refused("foreign trust domain", chain(CA.issue(SpiffeId.service("evil.consul", "default", "dc1",
                        "web"), now.minusSeconds(5), now.plusSeconds(600), List.of(), List.of())),
                        "is not in trust domain td.consul"),
                new Refused("expired", chain(CA.issue(CA.idOf("web"), now.minus(Duration.ofDays(2)),
                        now.minus(Duration.ofDays(1)), List.of(), List.of())), "does not lead to a trusted root"),
                new Refused("unknown CA", chain(stranger.issue("web", List.of(), List.of())),
                        "does not lead to a trusted root"),
                new Refused("a CA certificate as leaf", new X509Certificate[] {stranger.root()},
                        "presented a CA certificate"),
                new Refused("only our own root", new X509Certificate[] {CA.root()}, "presented a CA certificate"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusedChainsSayWhy(Refused row) {
        var e = assertThrows(CertificateException.class,
                () -> PeerVerifier.verify(row.chain(), MATERIAL, PeerVerifier.Role.CLIENT));
        assertTrue(e.getMessage().contains(row.reason()), e.getMessage());
    }

    private static X509Certificate[] chain(LeafCert leaf) {
        return leaf.chain().toArray(X509Certificate[]::new);
    }
}
