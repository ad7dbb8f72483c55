package io.meshinfer.connect.consul;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshinfer.connect.testing.ConsulAgent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The three watches meshinfer runs, against a real dev agent. */
class WatchOnAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ConsulAgent agent;
    private static ConsulClient client;

    @BeforeAll
    static void startAgent() {
        agent = ConsulAgent.start();
        client = agent.client();
    }

    @AfterAll
    static void stopAgent() {
        client.close();
        agent.close();
    }

    // Helidon keeps a pooled connection's read timeout from when it was opened: a blocking query must not ride on
    // a connection a quick call opened, or it dies after the quick calls' timeout. Production waits 5 minutes.
    @Test
    void aBlockingQueryOutlivesTheQuickCallTimeoutAfterAQuickCall() {
        ConsulResponse now = client.get(ConsulEndpoint.caRoots());
        Duration longer = ConsulClient.READ_TIMEOUT.plusSeconds(3);
        long start = System.nanoTime();
        ConsulResponse unchanged = client.get(ConsulEndpoint.caRoots(), now.index(), longer);
        assertEquals(now.index(), unchanged.index());
        assertTrue(System.nanoTime() - start >= longer.toNanos() * 9 / 10, "the agent held the query for its wait");
    }

    @Test
    void rootsLeafAndIntentionsAreDeliveredAtOnce() throws InterruptedException {
        BlockingQueue<ConsulResponse> roots = new LinkedBlockingQueue<>();
        BlockingQueue<ConsulResponse> leaf = new LinkedBlockingQueue<>();
        BlockingQueue<ConsulResponse> intentions = new LinkedBlockingQueue<>();
        try (BlockingWatch r = BlockingWatch.start(client, ConsulEndpoint.caRoots(), WAIT, roots::add);
             BlockingWatch l = BlockingWatch.start(client, ConsulEndpoint.leaf("billing"), WAIT, leaf::add);
             BlockingWatch i = BlockingWatch.start(client, ConsulEndpoint.intentionsFor("billing"), WAIT,
                                                   intentions::add)) {
            JsonNode rootsBody = next(roots, 10).body();
            assertEquals(agent.trustDomain(), rootsBody.path("TrustDomain").asText());
            assertTrue(rootsBody.path("Roots").size() >= 1);
            JsonNode leafBody = next(leaf, 10).body();
            assertEquals("billing", leafBody.path("Service").asText());
            assertTrue(leafBody.path("PrivateKeyPEM").asText().startsWith("-----BEGIN"));
            ConsulResponse intentionsAnswer = next(intentions, 10);
            assertTrue(intentionsAnswer.body().has("billing"), intentionsAnswer.body().toString());
            assertTrue(intentionsAnswer.index() > 0);
            assertTrue(r.healthy() && l.healthy() && i.healthy());
            assertTrue(r.lastSuccess().isPresent());
        }
    }

    @Test
    void anIntentionWriteReachesTheWatchWithinOneSecond() throws InterruptedException {
        BlockingQueue<ConsulResponse> intentions = new LinkedBlockingQueue<>();
        try (BlockingWatch watch = BlockingWatch.start(client, ConsulEndpoint.intentionsFor("web"), WAIT,
                                                       intentions::add)) {
            next(intentions, 10);
            // Past the minimum interval, so the watch's blocking read is in flight.
            Thread.sleep(300);
            long started = System.nanoTime();
            agent.upsertIntention("api", "web", "deny");
            ConsulResponse update = next(intentions, 1);
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
            System.out.printf("intention write -> intentions watch: %.1f ms%n", micros / 1000.0);
            JsonNode matched = update.body().path("web").path(0);
            assertEquals("api", matched.path("SourceName").asText());
            assertEquals("deny", matched.path("Action").asText());
            assertTrue(micros < 1_000_000, "took " + micros + " µs");
            assertTrue(watch.healthy());
        } finally {
            agent.deleteIntention("api", "web");
        }
    }

    @Test
    void l7IntentionsArriveWithTheirPermissions() throws InterruptedException {
        agent.serviceDefaults("search", "http");
        BlockingQueue<ConsulResponse> intentions = new LinkedBlockingQueue<>();
        try (BlockingWatch watch = BlockingWatch.start(client, ConsulEndpoint.intentionsFor("search"), WAIT,
                                                       intentions::add)) {
            next(intentions, 10);
            agent.writeConfigEntry("""
                    {"Kind": "service-intentions", "Name": "search", "Sources": [{"Name": "frontend",
                     "Permissions": [{"Action": "allow", "HTTP": {"PathPrefix": "/embed", "Methods": ["POST"]}}]}]}
                    """);
            JsonNode permission = next(intentions, 2).body().path("search").path(0).path("Permissions").path(0);
            assertEquals("/embed", permission.path("HTTP").path("PathPrefix").asText());
            assertTrue(watch.healthy());
        }
    }

    @Test
    void theLeafWatchFiresAfterACaRotationWithALeafOfTheNewRoot() throws Exception {
        BlockingQueue<ConsulResponse> leaf = new LinkedBlockingQueue<>();
        try (BlockingWatch watch = BlockingWatch.start(client, ConsulEndpoint.leaf("ledger"), WAIT, leaf::add)) {
            next(leaf, 10);
            String newRootId = agent.rotateCa();
            JsonNode roots = client.get(ConsulEndpoint.caRoots()).body();
            assertEquals(2, roots.path("Roots").size(), "old and new root until the old one expires");
            X509Certificate newRoot = null;
            for (JsonNode root : roots.path("Roots")) {
                if (root.path("ID").asText().equals(newRootId)) {
                    newRoot = certificates(root.path("RootCert").asText()).getFirst();
                }
            }
            assertNotNull(newRoot, "active root " + newRootId + " listed");
            X509Certificate signer = newRoot;
            long started = System.nanoTime();
            JsonNode rotated = awaitUpdate(leaf, 30, body -> signedBy(body, signer)).body();
            System.out.printf("CA rotation -> leaf watch: %d ms%n",
                              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertEquals(2, certificates(rotated.path("CertPEM").asText()).size(),
                         "the leaf and the new root cross-signed by the old one");
            assertTrue(watch.healthy());
        }
    }

    @Test
    void closeEndsABlockedWatchPromptly() throws InterruptedException {
        BlockingQueue<ConsulResponse> roots = new LinkedBlockingQueue<>();
        BlockingWatch watch = BlockingWatch.start(client, ConsulEndpoint.caRoots(), BlockingWatch.DEFAULT_WAIT,
                                                  roots::add);
        next(roots, 10);
        Thread.sleep(300);
        long started = System.nanoTime();
        watch.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis < 1000, "close took " + millis + " ms");
    }

    static ConsulResponse next(BlockingQueue<ConsulResponse> updates, int seconds) throws InterruptedException {
        ConsulResponse update = updates.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(update, "no update within " + seconds + " s");
        return update;
    }

    static ConsulResponse awaitUpdate(BlockingQueue<ConsulResponse> updates, int seconds,
                                      Predicate<JsonNode> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            ConsulResponse update = updates.poll(left, TimeUnit.NANOSECONDS);
            if (update != null && wanted.test(update.body())) {
                return update;
            }
        }
        return fail("no wanted update within " + seconds + " s");
    }

    private static boolean signedBy(JsonNode leaf, X509Certificate root) {
        try {
            certificates(leaf.path("CertPEM").asText()).getFirst().verify(root.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static List<X509Certificate> certificates(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new AssertionError("not PEM certificates: " + pem, e);
        }
    }
}
