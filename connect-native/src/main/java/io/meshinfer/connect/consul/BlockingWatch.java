package io.meshinfer.connect.consul;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows one Consul endpoint with blocking queries on its own virtual thread and hands each new state to a
 * consumer.
 *
 * <p>The loop follows Consul's blocking-query guidance: the first read does not block; later reads pass the last
 * {@code X-Consul-Index}; a state is handed over only when the index moved; an index that goes backwards (the
 * agent restarted, a snapshot was restored) starts over with a fresh non-blocking read; an index below 1 is sent
 * as 1 so that a misbehaving endpoint cannot turn the loop into a busy poll. After a failed call the loop also
 * starts over, because an agent that restarted may hold different state under the same index (a dev agent does);
 * the consumer may therefore receive an unchanged state again. Calls start at least
 * {@link #MIN_INTERVAL} apart whatever the agent answers; after a failure the next call waits an exponential
 * backoff with full jitter, from 100 ms up to 30 s.
 *
 * <p>A consumer that throws rejects that one update: it is logged, and the consumer keeps the last state it
 * accepted. The consumer runs on the watch thread, one update at a time, and should return promptly.
 *
 * <p>Thread-safe: {@link #healthy()}, {@link #lastSuccess()} and {@link #close()} may be called from any thread.
 */
public final class BlockingWatch implements AutoCloseable {

    /** Consul's own default for a blocking query's wait. */
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

    static final Duration MIN_INTERVAL = Duration.ofMillis(50);
    static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    static final Duration BACKOFF_CAP = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(BlockingWatch.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** One read of the watched endpoint; index 0 reads without blocking. */
    @FunctionalInterface
    interface Query {
        ConsulResponse fetch(long index, Duration wait);
    }

    private final String name;
    private final Query query;
    private final Duration wait;
    private final Consumer<ConsulResponse> consumer;
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile boolean healthy;
    private volatile Instant lastSuccess;

    private BlockingWatch(String name, Query query, Duration wait, Consumer<ConsulResponse> consumer) {
        this.name = name;
        this.query = query;
        this.wait = wait;
        this.consumer = consumer;
    }

    /**
     * Starts following {@code endpoint}.
     *
     * @param wait     how long each blocking read may hang; {@link #DEFAULT_WAIT} unless there is a reason
     * @param onChange receives each new state, starting with the current one
     */
    public static BlockingWatch start(ConsulClient client, ConsulEndpoint endpoint, Duration wait,
                                      Consumer<ConsulResponse> onChange) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(endpoint, "endpoint");
        return start(endpoint.path(), (index, w) -> client.get(endpoint, index, w), wait, onChange);
    }

    static BlockingWatch start(String name, Query query, Duration wait, Consumer<ConsulResponse> onChange) {
        Objects.requireNonNull(wait, "wait");
        Objects.requireNonNull(onChange, "onChange");
        if (wait.isNegative() || wait.isZero() || wait.compareTo(ConsulClient.MAX_WAIT) > 0) {
            throw new IllegalArgumentException("a blocking wait is positive and at most " + ConsulClient.MAX_WAIT
                    + ": " + wait);
        }
        BlockingWatch watch = new BlockingWatch(name, query, wait, onChange);
        watch.thread = Thread.ofVirtual().name("consul-watch " + name).start(watch::run);
        return watch;
    }

    /** Whether the last call to the agent succeeded; false before the first answer. */
    public boolean healthy() {
        return healthy;
    }

    /** When the agent last answered; empty before the first answer. */
    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /** Stops the loop, interrupting a call in flight, and waits briefly for the thread to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Thread running = thread;
        running.interrupt();
        if (Thread.currentThread() == running) {
            return;
        }
        try {
            running.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "BlockingWatch[" + name + (healthy ? ", healthy" : ", unhealthy") + "]";
    }

    private void run() {
        long seen = -1;
        int failures = 0;
        while (!closed) {
            long started = System.nanoTime();
            long backoff = 0;
            try {
                ConsulResponse response = query.fetch(seen < 0 ? 0 : Math.max(seen, 1), wait);
                lastSuccess = Instant.now();
                healthy = true;
                if (failures > 0) {
                    LOG.info(() -> "Consul watch " + name + " recovered");
                }
                failures = 0;
                seen = accept(seen, response);
            } catch (RuntimeException e) {
                // Anything, not only ConsulException: a watch that died would leave its state stale for good.
                if (closed) {
                    return;
                }
                healthy = false;
                seen = -1;
                failures++;
                backoff = backoff(failures);
                // The first failure says why at WARNING; the repeats of an outage would flood the log.
                Level level = failures == 1 ? Level.WARNING : Level.FINE;
                String message = "Consul watch " + name + " failed (" + failures + " in a row), retrying";
                if (e instanceof ConsulException) {
                    LOG.log(level, message + ": " + e.getMessage());
                } else {
                    LOG.log(level, message, e);
                }
            }
            long elapsed = System.nanoTime() - started;
            if (!pause(Math.max(MIN_INTERVAL.toNanos() - elapsed, backoff))) {
                return;
            }
        }
    }

    /** Hands a changed state to the consumer; returns the index to remember, -1 to re-read without blocking. */
    private long accept(long seen, ConsulResponse response) {
        long index = response.index();
        if (seen >= 0 && index < seen) {
            LOG.info(() -> "Consul watch " + name + ": index went back from " + seen + " to " + index
                    + "; reading afresh");
            return -1;
        }
        if (seen < 0 || index != seen) {
            try {
                consumer.accept(response);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Consul watch " + name + ": update at index " + index
                        + " rejected; the last good state stays", e);
            }
        }
        return index;
    }

    // Full jitter: uniformly random in [0, min(cap, base * 2^(failures-1))], so that many watchers restarting
    // together do not retry in step.
    private static long backoff(int failures) {
        long ceiling = BACKOFF_BASE.toNanos() << Math.min(failures - 1, 20);
        return ThreadLocalRandom.current().nextLong(Math.min(ceiling, BACKOFF_CAP.toNanos()) + 1);
    }

    private boolean pause(long nanos) {
        if (nanos <= 0) {
            return !closed;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
