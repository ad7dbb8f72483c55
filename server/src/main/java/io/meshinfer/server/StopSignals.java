package io.meshinfer.server;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import sun.misc.Signal;

/**
 * Stops a serving process on SIGTERM, SIGINT or SIGHUP: drains the server on a thread of its own and only then lets
 * the JVM exit. A shutdown hook alone is not enough: the JVM runs every hook at once, and ONNX Runtime's own hook
 * releases its environment, pulling the shared thread pool from under a batch still running (a native crash).
 * A second signal stops at once, for an operator who will not wait for the drain.
 */
final class StopSignals {
    private static final Logger LOG = Logger.getLogger(StopSignals.class.getName());
    /** The signals the JVM otherwise answers by running its shutdown hooks. */
    private static final List<String> STOPPING = List.of("TERM", "INT", "HUP");

    private final Runnable close;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int exitCode;

    private StopSignals(Runnable close) {
        this.close = close;
    }

    /**
     * Installs the handlers, and a shutdown hook that closes the server on any other exit.
     *
     * @param close drains and stops the server
     */
    static StopSignals install(Runnable close) {
        StopSignals signals = new StopSignals(close);
        for (String name : STOPPING) {
            try {
                Signal.handle(new Signal(name), signals::received);
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal for itself (-Xrs and the like): the shutdown hook still closes.
                LOG.fine("cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(signals::stop));
        return signals;
    }

    /** Waits until the server is closed; the process's exit code: 128 + the signal's number, as the shell reports. */
    int awaitClosed() throws InterruptedException {
        closed.await();
        return exitCode;
    }

    private void received(Signal signal) {
        int code = 128 + signal.getNumber();
        if (closing.get()) {
            LOG.warning("SIG" + signal.getName() + " again: stopping without waiting for requests in flight");
            Runtime.getRuntime().halt(code);
        }
        exitCode = code;
        Thread.ofPlatform().name("meshinfer-stop").start(this::stop);
    }

    private void stop() {
        if (closing.compareAndSet(false, true)) {
            LOG.info("shutting down: finishing in-flight requests");
            try {
                close.run();
            } finally {
                closed.countDown();
            }
        }
    }
}
