package io.meshinfer.connect.consul;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.intentions.DefaultPolicy;
import io.meshinfer.connect.intentions.IntentionSet;
import io.meshinfer.connect.tls.CaRoots;
import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.connect.tls.LeafCert;

/**
 * Identity and policy from the local agent: three blocking watches (CA roots, our leaf, the intentions whose
 * destination is our service) and the agent's default intention policy, re-read every minute. Each update is
 * parsed whole and published as a new snapshot; an update that does not parse is logged and dropped, and the
 * last good snapshot stays (fail-static). Thread-safe: each watch has its own thread; the intention snapshot is
 * rebuilt under this object's lock.
 */
public final class AgentWatches implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentWatches.class.getName());
    private static final Duration POLICY_REFRESH = Duration.ofMinutes(1);

    private final LocalAgent agent;
    private final IdentityState identity;
    private final Consumer<IntentionSet> intentions;
    private final List<BlockingWatch> watches = new CopyOnWriteArrayList<>();
    private final Thread policyRefresh;
    private SpiffeId self;
    private ConsulResponse lastIntentions;
    private DefaultIntentionPolicy policy;
    private volatile boolean policyKnown;

    private AgentWatches(ConsulClient client, IdentityState identity, Consumer<IntentionSet> intentions) {
        this.agent = new LocalAgent(client);
        this.identity = identity;
        this.intentions = intentions;
        this.policyRefresh = Thread.ofVirtual().name("consul-default-policy").unstarted(this::refreshPolicyLoop);
    }

    /**
     * Starts watching.
     *
     * @param wait       how long each blocking query may hang ({@link BlockingWatch#DEFAULT_WAIT} in production)
     * @param identity   receives roots and our leaf
     * @param intentions receives each new intention snapshot
     */
    public static AgentWatches start(ConsulClient client, String service, Duration wait, IdentityState identity,
                                     Consumer<IntentionSet> intentions) {
        AgentWatches watches = new AgentWatches(client, identity, intentions);
        try {
            watches.watches.add(BlockingWatch.start(client, ConsulEndpoint.caRoots(), wait, watches::roots));
            watches.watches.add(BlockingWatch.start(client, ConsulEndpoint.leaf(service), wait, watches::leaf));
            watches.watches.add(BlockingWatch.start(client, ConsulEndpoint.intentionsFor(service), wait,
                    watches::intentions));
            watches.policyRefresh.start();
            return watches;
        } catch (RuntimeException e) {
            watches.close();
            throw e;
        }
    }

    /** Whether every watch's last call to the agent succeeded. */
    public boolean healthy() {
        return policyKnown && watches.size() == 3 && watches.stream().allMatch(BlockingWatch::healthy);
    }

    private void roots(ConsulResponse response) {
        try {
            identity.roots(CaRoots.fromConsul(response.body()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a CA roots update that does not parse: {0}", e.getMessage());
        }
    }

    private void leaf(ConsulResponse response) {
        JsonNode body = response.body();
        try {
            LeafCert leaf = LeafCert.fromPem(body.path("CertPEM").asText(""), body.path("PrivateKeyPEM").asText(""));
            identity.leaf(leaf);
            LOG.log(System.Logger.Level.INFO, "new leaf from the Consul agent: {0}", leaf);
            synchronized (this) {
                self = leaf.id();
                rebuild();
            }
        } catch (IllegalArgumentException e) {
            // The message never carries key material: Pem and LeafCert say what is wrong, not what was there.
            LOG.log(System.Logger.Level.WARNING, "ignoring a leaf update that does not parse: {0}", e.getMessage());
        }
    }

    private synchronized void intentions(ConsulResponse response) {
        lastIntentions = response;
        rebuild();
    }

    private void refreshPolicyLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                DefaultIntentionPolicy current = agent.defaultIntentionPolicy();
                synchronized (this) {
                    boolean changed = !current.equals(policy);
                    policy = current;
                    policyKnown = true;
                    if (changed) {
                        LOG.log(System.Logger.Level.INFO, "default intention policy: {0}", current);
                        rebuild();
                    }
                }
                Thread.sleep(POLICY_REFRESH);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                policyKnown = false;
                LOG.log(System.Logger.Level.WARNING, "cannot read the default intention policy from the agent "
                        + "({0}); keeping the last one", e.getMessage());
                try {
                    Thread.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    // Needs all three: our identity (the destination), the intentions, and the default policy.
    private void rebuild() {
        if (self == null || lastIntentions == null || policy == null) {
            return;
        }
        try {
            intentions.accept(IntentionSet.fromMatchResponse(lastIntentions.body().toString(), self,
                    policy.allow() ? DefaultPolicy.ALLOW : DefaultPolicy.DENY, lastIntentions.index()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring an intentions update that does not parse: {0}",
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        policyRefresh.interrupt();
        watches.forEach(BlockingWatch::close);
    }
}
