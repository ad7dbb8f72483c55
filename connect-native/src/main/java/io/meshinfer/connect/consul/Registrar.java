package io.meshinfer.connect.consul;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps our instance registered with the local agent and its TTL check truthful: passing while nothing is wrong,
 * critical with the reasons otherwise, refreshed at a third of the TTL. When the agent restarts or forgets the
 * instance, it registers again. {@link #drain()} turns the check critical before shutdown so that callers stop
 * choosing us; {@link #close()} deregisters. Thread-safe; one thread.
 */
public final class Registrar implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Registrar.class.getName());

    private final LocalAgent agent;
    private final ServiceRegistration registration;
    private final Supplier<List<String>> problems;
    private final Supplier<List<String>> warnings;
    private final Thread loop;
    private volatile boolean registered;
    private volatile boolean healthy;
    private volatile boolean draining;
    private volatile boolean closed;

    private Registrar(LocalAgent agent, ServiceRegistration registration, Supplier<List<String>> problems,
                      Supplier<List<String>> warnings) {
        this.agent = agent;
        this.registration = registration;
        this.problems = problems;
        this.warnings = warnings;
        this.loop = Thread.ofVirtual().name("consul-registration").unstarted(this::run);
    }

    /**
     * Registers {@code registration} and keeps it so.
     *
     * @param problems what stops us from serving right now (empty: ready): the check turns critical
     * @param warnings what is degraded but still serving: the check turns warning
     */
    public static Registrar start(ConsulClient client, ServiceRegistration registration,
                                  Supplier<List<String>> problems, Supplier<List<String>> warnings) {
        Registrar registrar = new Registrar(new LocalAgent(client), registration, problems, warnings);
        registrar.loop.start();
        return registrar;
    }

    /** Whether the last call to the agent worked. */
    public boolean healthy() {
        return healthy;
    }

    /** Fails the check at once and keeps it failed: the first step of a graceful shutdown. */
    public synchronized void drain() {
        draining = true;
        try {
            agent.updateCheck(registration.checkId(), CheckStatus.CRITICAL, "draining: shutting down");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot fail the TTL check before shutdown: {0}", e.getMessage());
        }
    }

    private void run() {
        Duration interval = registration.ttl().dividedBy(3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (closed) {
                    return;
                }
                if (!registered || !agent.serviceIds().contains(registration.id())) {
                    if (registered) {
                        LOG.log(System.Logger.Level.WARNING, "the Consul agent forgot {0}; registering again",
                                registration.id());
                    }
                    agent.register(registration);
                    registered = true;
                    LOG.log(System.Logger.Level.INFO, "registered {0} with the Consul agent", registration.id());
                }
                // The agent has just answered: the report must not call it unreachable (the check would read
                // "warning" until the next report, a third of the TTL later).
                healthy = true;
                report();
            } catch (RuntimeException e) {
                if (healthy) {
                    LOG.log(System.Logger.Level.WARNING, "Consul agent unreachable ({0}); still serving with the "
                            + "last identity and intentions", e.getMessage());
                }
                healthy = false;
            }
            try {
                Thread.sleep(healthy ? interval : Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // Synchronized with drain(), so that a report in flight cannot turn the check passing again after it.
    private synchronized void report() {
        if (draining) {
            agent.updateCheck(registration.checkId(), CheckStatus.CRITICAL, "draining: shutting down");
            return;
        }
        List<String> failing = problems.get();
        List<String> degraded = warnings.get();
        if (!failing.isEmpty()) {
            agent.updateCheck(registration.checkId(), CheckStatus.CRITICAL, String.join("; ", failing));
        } else if (!degraded.isEmpty()) {
            agent.updateCheck(registration.checkId(), CheckStatus.WARNING, String.join("; ", degraded));
        } else {
            agent.updateCheck(registration.checkId(), CheckStatus.PASSING, "ready: models loaded, leaf valid, "
                    + "watches alive");
        }
    }

    /** Stops the loop and deregisters the instance. */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        try {
            loop.join(Duration.ofSeconds(5));
            agent.deregister(registration.id());
            LOG.log(System.Logger.Level.INFO, "deregistered {0}", registration.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot deregister {0}: {1}", registration.id(), e.getMessage());
        }
    }
}
