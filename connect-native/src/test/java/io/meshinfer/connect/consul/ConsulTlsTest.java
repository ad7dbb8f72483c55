package io.meshinfer.connect.consul;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.testing.ConsulAgent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's TLS settings against an agent whose HTTPS listener has a certificate for
 * {@code server.dc1.consul} only (no IP) and requires client certificates.
 */
class ConsulTlsTest {

    private static final String SERVER_NAME = "server.dc1.consul";

    @TempDir
    static Path dir;

    private static ConsulAgent agent;
    private static Path caFile;
    private static Path caDir;
    private static Path otherCaFile;
    private static Path clientCert;
    private static Path clientSec1Key;
    private static Path clientPkcs8Key;

    @BeforeAll
    static void startAgent() throws IOException {
        TestPki.Issued ca = TestPki.ca("meshinfer test CA");
        TestPki.Issued server = TestPki.issue(ca, SERVER_NAME, List.of(SERVER_NAME));
        TestPki.Issued client = TestPki.issue(ca, "meshinfer", List.of());
        caFile = TestPki.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
        caDir = Files.createDirectory(dir.resolve("cas"));
        TestPki.writeCertificate(caDir.resolve("ca.pem"), ca.certificate());
        otherCaFile = TestPki.writeCertificate(dir.resolve("other-ca.pem"), TestPki.ca("other CA").certificate());
        clientCert = TestPki.writeCertificate(dir.resolve("client.pem"), client.certificate());
        clientSec1Key = TestPki.writeSec1Key(dir.resolve("client-sec1-key.pem"), client.keys());
        clientPkcs8Key = TestPki.writePkcs8Key(dir.resolve("client-pkcs8-key.pem"), client.keys());
        agent = ConsulAgent.startWithHttps(new ConsulAgent.Https(caFile,
                TestPki.writeCertificate(dir.resolve("server.pem"), server.certificate()),
                TestPki.writePkcs8Key(dir.resolve("server-key.pem"), server.keys())));
    }

    @AfterAll
    static void stopAgent() {
        agent.close();
    }

    /** A row; {@code refusal} is part of the expected failure's message, empty when the call succeeds. */
    record Case(String name, Map<String, String> values, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String https = agent.httpsAddress();
        return Stream.of(
                new Case("CA file, client certificate with a SEC1 key, server name", Map.of("CONSUL_HTTP_ADDR", https,
                        "CONSUL_CACERT", caFile.toString(), "CONSUL_CLIENT_CERT", clientCert.toString(),
                        "CONSUL_CLIENT_KEY", clientSec1Key.toString(), "CONSUL_TLS_SERVER_NAME", SERVER_NAME), ""),
                new Case("CA directory, client certificate with a PKCS#8 key", Map.of("CONSUL_HTTP_ADDR", https,
                        "CONSUL_CAPATH", caDir.toString(), "CONSUL_CLIENT_CERT", clientCert.toString(),
                        "CONSUL_CLIENT_KEY", clientPkcs8Key.toString(), "CONSUL_TLS_SERVER_NAME", SERVER_NAME), ""),
                new Case("CONSUL_HTTP_SSL turns host:port into https", Map.of(
                        "CONSUL_HTTP_ADDR", https.substring("https://".length()), "CONSUL_HTTP_SSL", "true",
                        "CONSUL_CACERT", caFile.toString(), "CONSUL_CLIENT_CERT", clientCert.toString(),
                        "CONSUL_CLIENT_KEY", clientSec1Key.toString(), "CONSUL_TLS_SERVER_NAME", SERVER_NAME), ""),
                new Case("verification off only when asked", Map.of("CONSUL_HTTP_ADDR", https,
                        "CONSUL_HTTP_SSL_VERIFY", "false", "CONSUL_CLIENT_CERT", clientCert.toString(),
                        "CONSUL_CLIENT_KEY", clientSec1Key.toString()), ""),
                new Case("without the server name the address must match the certificate", Map.of(
                        "CONSUL_HTTP_ADDR", https, "CONSUL_CACERT", caFile.toString(),
                        "CONSUL_CLIENT_CERT", clientCert.toString(), "CONSUL_CLIENT_KEY", clientSec1Key.toString()),
                        "No subject alternative DNS name matching"),
                new Case("another CA does not vouch for the agent", Map.of("CONSUL_HTTP_ADDR", https,
                        "CONSUL_CACERT", otherCaFile.toString(), "CONSUL_CLIENT_CERT", clientCert.toString(),
                        "CONSUL_CLIENT_KEY", clientSec1Key.toString(), "CONSUL_TLS_SERVER_NAME", SERVER_NAME),
                        "unable to find valid certification path"),
                new Case("the agent refuses a client without a certificate", Map.of("CONSUL_HTTP_ADDR", https,
                        "CONSUL_CACERT", caFile.toString(), "CONSUL_TLS_SERVER_NAME", SERVER_NAME),
                        "certificate_required"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tlsSettingsDecideWhetherTheAgentIsReached(Case row) {
        try (ConsulClient client = ConsulClient.create(ConsulSettings.from(row.values()))) {
            if (row.refusal().isEmpty()) {
                assertFalse(client.get(ConsulEndpoint.of("/v1/status/leader")).body().asText().isEmpty());
            } else {
                ConsulException e = assertThrows(ConsulException.class,
                                                 () -> client.get(ConsulEndpoint.of("/v1/status/leader")));
                assertTrue(e.status().isEmpty(), "no HTTP answer: " + e.getMessage());
                assertTrue(e.getMessage().startsWith("Consul GET /v1/status/leader at " + agent.httpsAddress()
                        + " failed: "), e.getMessage());
                assertTrue(e.getMessage().contains(row.refusal()), e.getMessage());
            }
        }
    }

    @Test
    void pemFilesWithoutTheExpectedContentAreRefusedNamingTheVariable() throws IOException {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        Map<String, String> values = new HashMap<>(Map.of("CONSUL_HTTP_ADDR", agent.httpsAddress(),
                "CONSUL_CACERT", notPem.toString()));
        IllegalArgumentException ca = assertThrows(IllegalArgumentException.class,
                                                   () -> ConsulClient.create(ConsulSettings.from(values)));
        assertEquals("CONSUL_CACERT: " + notPem + " holds no PEM certificate", ca.getMessage());

        values.put("CONSUL_CACERT", caFile.toString());
        values.put("CONSUL_CLIENT_CERT", clientCert.toString());
        values.put("CONSUL_CLIENT_KEY", clientCert.toString());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                                                    () -> ConsulClient.create(ConsulSettings.from(values)));
        assertEquals("CONSUL_CLIENT_KEY: " + clientCert + " holds no unencrypted PEM private key", key.getMessage());
    }

    @Test
    void theSec1KeyIsInConsulsOwnFormat() throws IOException {
        assertTrue(Files.readString(clientSec1Key).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(clientPkcs8Key).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
}
