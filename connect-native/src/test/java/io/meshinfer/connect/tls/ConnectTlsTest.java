package io.meshinfer.connect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.embedded.EmbeddedCa;
import io.meshinfer.connect.embedded.EmbeddedCaKeys;

/** Real TLS 1.3 handshakes against the Connect key and trust managers. */
class ConnectTlsTest {
    private static final String TRUST_DOMAIN = "11111111-2222-3333-4444-555555555555.consul";
    private static final EmbeddedCa CA = EmbeddedCa.generate(TRUST_DOMAIN);

    private final AtomicReference<Set<String>> denied = new AtomicReference<>(Set.of());
    private final IdentityState serverState = new IdentityState();
    private MtlsEcho server;

    @BeforeEach
    void start() throws IOException {
        serverState.roots(CA.roots());
        serverState.leaf(CA.issue("inference", List.of(), List.of()));
        ConnectionAuthorizer authorizer = caller -> denied.get().contains(caller.service())
                ? Decision.deny("denied by intention") : Decision.allow("allowed by intention");
        server = new MtlsEcho(ConnectTls.create(serverState, authorizer, false));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void anAllowedCallerIsServedAndItsProvenIdentityReachesTheServer() throws IOException {
        try (var connection = server.connect(client(CA.issue("web", List.of(), List.of())))) {
            assertTrue(connection.ask().startsWith(CA.idOf("web").toUri() + " "));
        }
    }

    @Test
    void aDeniedCallerFailsTheHandshake() {
        denied.set(Set.of("web"));
        assertRefused(client(CA.issue("web", List.of(), List.of())));
    }

    record Refusal(String name, Function<EmbeddedCa, LeafCert> leaf) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusedCallers() {
        Instant now = Instant.now();
        return Stream.of(
                new Refusal("leaf from another trust domain under our root", ca -> ca.issue(
                        SpiffeId.service("other.consul", "default", "dc1", "web"), now.minusSeconds(60),
                        now.plus(Duration.ofHours(1)), List.of(), List.of())),
                new Refusal("expired leaf", ca -> ca.issue(ca.idOf("web"), now.minus(Duration.ofDays(2)),
                        now.minus(Duration.ofDays(1)), List.of(), List.of())),
                new Refusal("leaf from a CA we do not trust", ca -> EmbeddedCa.generate(TRUST_DOMAIN)
                        .issue("web", List.of(), List.of())),
                new Refusal("self-signed certificate", ca -> {
                    EmbeddedCa own = EmbeddedCa.generate(TRUST_DOMAIN);
                    LeafCert any = own.issue("web", List.of(), List.of());
                    return new LeafCert(any.id(), List.of(own.root()), ownKey(own));
                }));
    }

    @ParameterizedTest
    @MethodSource("refusedCallers")
    void callersWithoutAValidIdentityInOurTrustDomainAreRefused(Refusal row) {
        assertRefused(client(row.leaf().apply(CA)));
    }

    @Test
    void aCallerWithoutACertificateIsRefused() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", CA.root());
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        SSLContext anonymous = SSLContext.getInstance("TLS");
        anonymous.init(null, factory.getTrustManagers(), null);
        assertRefused(anonymous);
    }

    @Test
    void aClientRefusesAServerThatIsNotTheServiceItDialled() {
        IdentityState caller = state(CA.issue("web", List.of(), List.of()));
        SSLContext wrongTarget = ConnectTls.create(caller, id -> Decision.deny("dial only"), false)
                .clientContext(id -> id.service().equals("billing"));
        assertThrows(IOException.class, () -> server.connect(wrongTarget).ask());
    }

    @Test
    void aNewLeafIsPresentedAtOnceWhileOpenConnectionsCarryOn() throws IOException {
        SSLContext web = client(CA.issue("web", List.of(), List.of()));
        try (var before = server.connect(web)) {
            String oldSerial = serialOf(before.ask());
            LeafCert rotated = CA.issue("inference", List.of(), List.of());
            serverState.leaf(rotated);
            try (var after = server.connect(web)) {
                assertEquals(rotated.serial(), serialOf(after.ask()));
            }
            assertEquals(oldSerial, serialOf(before.ask()), "the open connection keeps working");
            assertNotEquals(oldSerial, rotated.serial());
        }
    }

    @Test
    void aCallerWhoseRootIsWithdrawnLosesItsIdentityOnItsOpenConnection() throws IOException {
        EmbeddedCa next = EmbeddedCa.generate(TRUST_DOMAIN);
        serverState.roots(new CaRoots(TRUST_DOMAIN, List.of(CA.root(), next.root())));
        try (var connection = server.connect(client(CA.issue("web", List.of(), List.of())))) {
            assertTrue(connection.ask().startsWith(CA.idOf("web").toUri()));
            serverState.roots(next.roots());
            assertTrue(connection.ask().startsWith("unknown "), "no identity under the new roots");
        }
    }

    @Test
    void everyListedRootIsTrustedDuringARotation() throws IOException {
        EmbeddedCa next = EmbeddedCa.generate(TRUST_DOMAIN);
        serverState.roots(new CaRoots(TRUST_DOMAIN, List.of(CA.root(), next.root())));
        try (var oldCaller = server.connect(client(CA.issue("web", List.of(), List.of())));
             var newCaller = server.connect(clientTrusting(next.issue("web", List.of(), List.of()), next))) {
            assertTrue(oldCaller.ask().startsWith(CA.idOf("web").toUri()));
            assertTrue(newCaller.ask().startsWith(next.idOf("web").toUri()));
        }
        serverState.roots(next.roots());
        assertRefused(client(CA.issue("web", List.of(), List.of())));
    }

    private SSLContext client(LeafCert leaf) {
        return clientTrusting(leaf, CA);
    }

    private static SSLContext clientTrusting(LeafCert leaf, EmbeddedCa serverCa) {
        IdentityState caller = new IdentityState();
        caller.roots(new CaRoots(TRUST_DOMAIN, List.of(CA.root(), serverCa.root())));
        caller.leaf(leaf);
        return ConnectTls.create(caller, id -> Decision.deny("dial only"), false)
                .clientContext(id -> id.service().equals("inference"));
    }

    private static IdentityState state(LeafCert leaf) {
        IdentityState state = new IdentityState();
        state.roots(CA.roots());
        state.leaf(leaf);
        return state;
    }

    private void assertRefused(SSLContext client) {
        assertThrows(IOException.class, () -> {
            try (var connection = server.connect(client)) {
                // TLS 1.3: the server judges the client's certificate after the client finished; the refusal
                // arrives as an alert on the first read.
                connection.ask();
            }
        });
    }

    private static String serialOf(String answer) {
        return answer.substring(answer.indexOf(' ') + 1);
    }

    private static java.security.PrivateKey ownKey(EmbeddedCa ca) {
        return EmbeddedCaKeys.rootKey(ca);
    }
}
