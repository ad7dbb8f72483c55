package io.meshinfer.connect;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warnings that may repeat at any rate (refused callers), logged at most once per interval per key, with how many
 * were left out since the last line. Thread-safe.
 */
final class RateLimitedLog {
    private static final System.Logger LOG = System.getLogger(ConnectService.class.getName());

    private final long intervalNanos;
    private final Map<String, long[]> lastAndSkipped = new ConcurrentHashMap<>();

    RateLimitedLog(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    void warn(String key, String format, Object... arguments) {
        long now = System.nanoTime();
        long[] state = lastAndSkipped.computeIfAbsent(key, k -> new long[] {now - intervalNanos, 0});
        long skipped;
        synchronized (state) {
            if (now - state[0] < intervalNanos) {
                state[1]++;
                return;
            }
            skipped = state[1];
            state[0] = now;
            state[1] = 0;
        }
        String suffix = skipped == 0 ? "" : " (" + skipped + " more like it not logged)";
        LOG.log(System.Logger.Level.WARNING, format + suffix, arguments);
    }
}
