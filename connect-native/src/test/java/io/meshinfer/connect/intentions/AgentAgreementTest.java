package io.meshinfer.connect.intentions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.consul.ConsulClient;
import io.meshinfer.connect.consul.ConsulEndpoint;
import io.meshinfer.connect.consul.ConsulResponse;
import io.meshinfer.connect.consul.LocalAgent;
import io.meshinfer.connect.testing.ConsulAgent;

/**
 * Our L4 decisions against the agent's own {@code /v1/agent/connect/authorize}, for a table of intention sets and
 * callers, on a plain dev agent (default allow) and on one with ACLs on and default deny.
 */
class AgentAgreementTest {
    private static final List<String> CALLERS = List.of("web", "billing", "batch", "inference");

    static ConsulAgent open;
    static ConsulAgent closed;

    /** Intentions as (source, destination, action) triples. */
    record Scenario(String name, List<List<String>> intentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario("no intentions: the default policy", List.of()),
                new Scenario("one allow", List.of(List.of("web", "inference", "allow"))),
                new Scenario("deny all, allow one", List.of(List.of("*", "inference", "deny"),
                        List.of("web", "inference", "allow"))),
                new Scenario("allow all, deny one", List.of(List.of("*", "inference", "allow"),
                        List.of("billing", "inference", "deny"))),
                new Scenario("exact destination beats wildcard destination", List.of(
                        List.of("web", "*", "deny"), List.of("web", "inference", "allow"),
                        List.of("billing", "*", "allow"))),
                new Scenario("exact source and wildcard destination against wildcard source and exact destination",
                        List.of(List.of("web", "*", "allow"), List.of("*", "inference", "deny"))),
                new Scenario("wildcard to wildcard", List.of(List.of("*", "*", "deny"),
                        List.of("batch", "inference", "allow"))));
    }

    @BeforeAll
    static void start() {
        open = ConsulAgent.start();
        closed = ConsulAgent.startAclDefaultDeny();
    }

    @AfterAll
    static void stop() {
        open.close();
        closed.close();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void onAnOpenAgentOurDecisionsAreTheAgents(Scenario scenario) {
        assertAgreement(open, scenario);
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void onADefaultDenyAgentOurDecisionsAreTheAgents(Scenario scenario) {
        assertAgreement(closed, scenario);
    }

    private static void assertAgreement(ConsulAgent agent, Scenario scenario) {
        scenario.intentions().forEach(i -> agent.upsertIntention(i.get(0), i.get(1), i.get(2)));
        try (ConsulClient client = agent.client()) {
            ConsulResponse match = client.get(ConsulEndpoint.intentionsFor("inference"));
            DefaultPolicy policy = new LocalAgent(client).defaultIntentionPolicy().allow() ? DefaultPolicy.ALLOW
                    : DefaultPolicy.DENY;
            SpiffeId self = id(agent, "inference");
            IntentionSet ours = IntentionSet.fromMatchResponse(match.body().toString(), self, policy, match.index());
            for (String caller : CALLERS) {
                ConsulAgent.Authorization theirs = agent.authorize(caller, "inference");
                assertEquals(theirs.authorized(), ours.authorizeConnection(id(agent, caller)).allowed(),
                        caller + " -> inference; the agent says: " + theirs.reason());
            }
        } finally {
            scenario.intentions().forEach(i -> agent.deleteIntention(i.get(0), i.get(1)));
        }
    }

    private static SpiffeId id(ConsulAgent agent, String service) {
        return SpiffeId.service(agent.trustDomain(), "default", "dc1", service);
    }
}
