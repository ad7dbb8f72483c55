package io.meshinfer.connect.consul;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.meshinfer.connect.testing.ConsulAgent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A watch outlives its agent going away and coming back. */
class AgentOutageTest {

    @Test
    void aWatchBacksOffWhileTheAgentIsDownAndRecoversAfterItsRestart() throws InterruptedException {
        try (ConsulAgent agent = ConsulAgent.start(); ConsulClient client = agent.client()) {
            AtomicInteger calls = new AtomicInteger();
            BlockingWatch.Query counted = (index, wait) -> {
                calls.incrementAndGet();
                return client.get(ConsulEndpoint.caRoots(), index, wait);
            };
            BlockingQueue<ConsulResponse> roots = new LinkedBlockingQueue<>();
            try (BlockingWatch watch = BlockingWatch.start("roots", counted, Duration.ofSeconds(30), roots::add)) {
                String before = WatchOnAgentTest.next(roots, 10).body().path("ActiveRootID").asText();
                Instant lastSuccess = watch.lastSuccess().orElseThrow();

                agent.stop();
                await(() -> !watch.healthy(), 5, "the watch notices the agent is gone");
                int atOutage = calls.get();
                Thread.sleep(3000);
                int duringOutage = calls.get() - atOutage;
                System.out.println("agent down 3 s: " + duringOutage + " calls");
                assertTrue(duringOutage >= 2 && duringOutage <= 12, "calls while down: " + duringOutage);
                assertFalse(watch.healthy());
                assertEquals(lastSuccess, watch.lastSuccess().orElseThrow());
                assertTrue(roots.isEmpty(), "nothing is handed over while the agent is down");

                long restarting = System.nanoTime();
                agent.restart();
                // A restarted dev agent is a new cluster: a new CA, and indexes that went back.
                String after = WatchOnAgentTest.next(roots, 35).body().path("ActiveRootID").asText();
                System.out.printf("agent restart -> roots delivered again: %d ms%n",
                                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarting));
                assertNotEquals(before, after);
                assertTrue(watch.healthy());
                assertTrue(watch.lastSuccess().orElseThrow().isAfter(lastSuccess));
            }
        }
    }

    private static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + seconds + " s");
            Thread.sleep(10);
        }
    }
}
