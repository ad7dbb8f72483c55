package io.meshinfer.server.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.cli.CertCommand;

/**
 * The default mode of {@code meshinfer serve}: mTLS with certificates from the embedded CA, and the rules of the
 * intentions file, end to end over HTTPS with callers made by {@code meshinfer cert issue}.
 */
class EmbeddedModeTest {
    private static final String EMBED = "{\"inputs\": \"hello mesh\"}";

    @TempDir
    static Path temp;
    static Path state;
    static Path intentions;
    static TestServer web;

    @BeforeAll
    static void start() throws Exception {
        state = temp.resolve("state");
        intentions = state.resolve("intentions.json");
        web = TestServer.startMtls(CallerFiles.context(issue("web")), "--state-dir", state.toString());
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void aCallerAllowedByTheStarterIntentionsFileIsServedOverMtls() {
        var reply = web.post("/embed", EMBED);
        assertEquals(200, reply.status(), reply.body());
        assertEquals(384, reply.json().get(0).size());
        assertTrue(reply.headers().firstValue("Server-Timing").orElseThrow().startsWith("authz;dur="));
    }

    @Test
    void theCertCommandWritesTheKeyOwnerOnly() throws IOException {
        Path dir = issue("reader");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key.pem"))));
        assertTrue(Files.readString(dir.resolve("cert.pem")).contains("BEGIN CERTIFICATE"));
    }

    @Test
    void aCallerWithoutAnIntentionIsRefusedInTheHandshake() throws Exception {
        try (TestServer billing = clientOf(issue("billing"))) {
            assertThrows(UncheckedIOException.class, () -> billing.post("/embed", EMBED));
        }
        assertTrue(web.admin("/metrics").body().contains("meshinfer_handshake_refusals_total{kind=\"denied\"}"),
                "the refusal is counted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"//embed", "/embed/../rerank", "/%72erank", "/embed/..;/rerank", "/rerank;x", "/embed/."})
    void aPathTheRulesAndTheRouterCouldReadDifferentlyIsRefusedBeforeRouting(String path) {
        var reply = web.post(path, EMBED);
        assertEquals(400, reply.status(), path);
        assertEquals("BadRequest", reply.json().get("error_type").asText(), reply.body());
    }

    @Test
    void anEditedIntentionsFileReachesAnOpenConnectionWithinASecond() throws Exception {
        try {
            assertEquals(200, web.post("/embed", EMBED).status());
            write("""
                    {"Kind": "service-intentions", "Name": "inference", "Sources": [
                      {"Name": "web", "Permissions": [
                        {"Action": "allow", "HTTP": {"PathExact": "/embed", "Methods": ["POST"]}}]}]}
                    """);
            long start = System.nanoTime();
            while (web.post("/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}").status() != 403) {
                assertTrue(System.nanoTime() - start < 1_000_000_000L, "L7 deny not enforced within 1 s");
                Thread.sleep(20);
            }
            System.out.printf("intentions file edit enforced after %.0f ms%n", (System.nanoTime() - start) / 1e6);
            var denied = web.post("/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}");
            assertEquals("Forbidden", denied.json().get("error_type").asText());
            assertEquals("forbidden: no permission matched; denied by default policy",
                    denied.json().get("error").asText());
            assertEquals(200, web.post("/embed", EMBED).status(), "the allowed route still works");

            write("""
                    {"Kind": "service-intentions", "Name": "inference", "Sources": [{"Name": "web", "Action": "deny"}]}
                    """);
            start = System.nanoTime();
            while (web.post("/embed", EMBED).status() != 403) {
                assertTrue(System.nanoTime() - start < 1_000_000_000L, "L4 deny not enforced within 1 s");
                Thread.sleep(20);
            }
        } finally {
            write("""
                    {"Kind": "service-intentions", "Name": "inference", "Sources": [{"Name": "web", "Action": "allow"}]}
                    """);
            Thread.sleep(600);
        }
    }

    @Test
    void readinessIncludesTheIdentityAndTheMetricsWatchTheLeaf() {
        assertEquals(200, web.admin("/ready").status());
        assertTrue(web.server().connect().orElseThrow().ready());
        String metrics = web.admin("/metrics").body();
        assertTrue(metrics.contains("meshinfer_connect_ready 1"), metrics);
        long expiry = Long.parseLong(metrics.lines().filter(l -> l.startsWith("meshinfer_leaf_expiry_seconds "))
                .findFirst().orElseThrow().split(" ")[1].replaceAll("\\.0$", ""));
        assertTrue(expiry > 71 * 3600 && expiry <= 72 * 3600, "a fresh 72 h leaf: " + expiry);
    }

    private static TestServer clientOf(Path caller) throws Exception {
        return web.withClient(CallerFiles.context(caller));
    }

    private static Path issue(String service) {
        Path out = temp.resolve("callers").resolve(service);
        int code = CertCommand.run(List.of("issue", "--service", service, "--out", out.toString(), "--state-dir",
                state.toString()));
        assertEquals(0, code);
        return out;
    }

    private static void write(String text) throws IOException {
        Path temporary = intentions.resolveSibling("intentions.json.tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, intentions, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
