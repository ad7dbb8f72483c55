package io.meshinfer.server.inference;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether the caller still waits for its answer. The wait ends when the caller gives up: it hangs up, its deadline
 * passes (a budget it sent, counted from the request's arrival), or its thread is interrupted by a server stop.
 * From then on its inputs still queued are dropped before inference. Thread-safe: the batch thread asks
 * {@link #over()}.
 */
public final class CallerWait {
    private final long deadlineNanos;
    private final long budgetMillis;
    private final BooleanSupplier hungUp;
    private volatile boolean abandoned;

    private CallerWait(long deadlineNanos, long budgetMillis, BooleanSupplier hungUp) {
        this.deadlineNanos = deadlineNanos;
        this.budgetMillis = budgetMillis;
        this.hungUp = hungUp;
    }

    /**
     * A caller that waits until it hangs up.
     *
     * @param hungUp whether the caller's connection has closed; asking may start watching it
     */
    public static CallerWait untilHangUp(BooleanSupplier hungUp) {
        return new CallerWait(0, 0, hungUp);
    }

    /**
     * A caller that waits until it hangs up, and at most {@code budgetMillis} from {@code startNanos}.
     *
     * @param startNanos   the request's arrival, on {@link System#nanoTime()}'s clock
     * @param budgetMillis at least 1
     * @param hungUp       as in {@link #untilHangUp}
     */
    public static CallerWait within(long startNanos, long budgetMillis, BooleanSupplier hungUp) {
        if (budgetMillis < 1) {
            throw new IllegalArgumentException("a budget is at least 1 ms, not " + budgetMillis);
        }
        return new CallerWait(startNanos + TimeUnit.MILLISECONDS.toNanos(budgetMillis), budgetMillis, hungUp);
    }

    /** Whether the caller has stopped waiting. */
    public boolean over() {
        return abandoned || deadlinePassed() || hungUp.getAsBoolean();
    }

    /** Whether the caller's connection has closed; the first call starts watching it. */
    public boolean hungUp() {
        return hungUp.getAsBoolean();
    }

    /** Marks the wait as over whatever the deadline says: the caller's thread was interrupted. */
    public void abandon() {
        abandoned = true;
    }

    public boolean hasDeadline() {
        return budgetMillis > 0;
    }

    /** The budget the caller sent, in milliseconds; 0 without a deadline. */
    public long budgetMillis() {
        return budgetMillis;
    }

    public boolean deadlinePassed() {
        return hasDeadline() && remainingNanos() <= 0;
    }

    /** Time left before the deadline; meaningful only {@linkplain #hasDeadline() with one}. */
    public long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }
}
