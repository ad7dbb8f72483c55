package io.meshinfer.connect.consul;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.IntNode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's rules against a scripted agent; the real agent's behaviour is in {@link WatchOnAgentTest}. */
class BlockingWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(1);

    /** Answers with the scripted indexes in turn, then blocks until interrupted; records the indexes asked for. */
    static final class ScriptedAgent implements BlockingWatch.Query {
        final List<Long> asked = new CopyOnWriteArrayList<>();
        private final long[] script;

        ScriptedAgent(long... script) {
            this.script = script;
        }

        @Override
        public ConsulResponse fetch(long index, Duration wait) {
            asked.add(index);
            int call = asked.size() - 1;
            if (call < script.length) {
                return new ConsulResponse(200, script[call], IntNode.valueOf(call));
            }
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ConsulException("interrupted", new InterruptedException());
        }

        void awaitCalls(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (asked.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(asked.size() >= count, "calls: " + asked);
        }
    }

    @Test
    void handsOverOnlyChangedStatesAndStartsAfreshWhenTheIndexGoesBack() throws InterruptedException {
        ScriptedAgent agent = new ScriptedAgent(5, 5, 7, 3, 3, 4);
        List<Long> delivered = new CopyOnWriteArrayList<>();
        try (BlockingWatch watch = BlockingWatch.start("test", agent, WAIT, r -> delivered.add(r.index()))) {
            agent.awaitCalls(7);
            assertEquals(List.of(0L, 5L, 5L, 7L, 0L, 3L, 4L), agent.asked,
                         "non-blocking first; the index went back from 7 to 3, so a fresh non-blocking read");
            assertEquals(List.of(5L, 7L, 3L, 4L), delivered);
            assertTrue(watch.healthy());
        }
    }

    @Test
    void anIndexBelowOneIsSentAsOneSoTheNextReadBlocks() throws InterruptedException {
        ScriptedAgent agent = new ScriptedAgent(0, 0);
        List<Long> delivered = new CopyOnWriteArrayList<>();
        try (BlockingWatch watch = BlockingWatch.start("test", agent, WAIT, r -> delivered.add(r.index()))) {
            agent.awaitCalls(3);
            assertEquals(List.of(0L, 1L, 1L), agent.asked);
            assertEquals(List.of(0L), delivered, "the repeated 0 is no change");
            assertTrue(watch.healthy());
        }
    }

    @Test
    void afterAFailureTheStateIsReadAfreshAndHandedOverEvenWithTheSameIndex() throws InterruptedException {
        List<Long> asked = new CopyOnWriteArrayList<>();
        BlockingWatch.Query restartingAgent = (index, wait) -> {
            asked.add(index);
            return switch (asked.size()) {
                case 1 -> new ConsulResponse(200, 9, IntNode.valueOf(1));
                case 2 -> throw new ConsulException("Consul GET /v1/test failed: connection refused",
                                                    new RuntimeException());
                case 3 -> new ConsulResponse(200, 9, IntNode.valueOf(2));
                default -> new ScriptedAgent().fetch(index, wait);
            };
        };
        BlockingQueue<ConsulResponse> updates = new LinkedBlockingQueue<>();
        try (BlockingWatch watch = BlockingWatch.start("test", restartingAgent, WAIT, updates::add)) {
            assertEquals(1, updates.poll(5, TimeUnit.SECONDS).body().intValue());
            assertEquals(2, updates.poll(5, TimeUnit.SECONDS).body().intValue(), "same index, new agent");
            assertEquals(List.of(0L, 9L, 0L), asked.subList(0, 3));
            assertTrue(watch.healthy());
        }
    }

    @Test
    void aConsumerThatRejectsAnUpdateKeepsTheLoopGoing() throws InterruptedException {
        ScriptedAgent agent = new ScriptedAgent(1, 2, 3);
        List<Long> accepted = new CopyOnWriteArrayList<>();
        try (BlockingWatch watch = BlockingWatch.start("test", agent, WAIT, r -> {
            if (r.index() == 2) {
                throw new IllegalArgumentException("bad update");
            }
            accepted.add(r.index());
        })) {
            agent.awaitCalls(4);
            assertEquals(List.of(1L, 3L), accepted);
            assertTrue(watch.healthy(), "the agent answered; only the consumer refused");
        }
    }

    @Test
    void anAgentAnsweringAtOnceWithTheSameIndexIsNotPolledInALoop() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        BlockingWatch.Query sameIndexAtOnce = (index, wait) -> {
            calls.incrementAndGet();
            return new ConsulResponse(200, 42, IntNode.valueOf(42));
        };
        try (BlockingWatch watch = BlockingWatch.start("test", sameIndexAtOnce, WAIT, r -> { })) {
            Thread.sleep(1000);
            assertTrue(watch.healthy());
        }
        int limit = (int) (1000 / BlockingWatch.MIN_INTERVAL.toMillis()) + 2;
        System.out.println("same index at once: " + calls.get() + " calls in 1 s (limit " + limit + ")");
        assertTrue(calls.get() <= limit, "calls: " + calls.get());
    }

    @Test
    void failuresBackOffExponentiallyAndClearHealthy() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        BlockingWatch.Query down = (index, wait) -> {
            calls.incrementAndGet();
            throw new ConsulException("Consul GET /v1/test failed: connection refused", new RuntimeException());
        };
        try (BlockingWatch watch = BlockingWatch.start("test", down, WAIT, r -> { })) {
            Thread.sleep(1500);
            assertFalse(watch.healthy());
            assertTrue(watch.lastSuccess().isEmpty());
        }
        // Full jitter from 100 ms doubling: about 6 calls in 1.5 s; 20 ms apart (no backoff) would be 75.
        System.out.println("agent down: " + calls.get() + " calls in 1.5 s");
        assertTrue(calls.get() >= 2 && calls.get() <= 14, "calls: " + calls.get());
    }

    @Test
    void closeStopsABlockedCallPromptly() throws InterruptedException {
        ScriptedAgent agent = new ScriptedAgent(1);
        BlockingQueue<ConsulResponse> updates = new LinkedBlockingQueue<>();
        BlockingWatch watch = BlockingWatch.start("test", agent, WAIT, updates::add);
        agent.awaitCalls(2);
        long started = System.nanoTime();
        watch.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis < 500, "close took " + millis + " ms");
        assertEquals(2, agent.asked.size(), "no call after close");
        assertEquals(1, updates.size());
    }
}
