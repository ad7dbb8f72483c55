package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;

import static io.meshinfer.connect.intentions.Rules.allow;
import static io.meshinfer.connect.intentions.Rules.caller;
import static io.meshinfer.connect.intentions.Rules.deny;
import static io.meshinfer.connect.intentions.Rules.forbid;
import static io.meshinfer.connect.intentions.Rules.get;
import static io.meshinfer.connect.intentions.Rules.l7;
import static io.meshinfer.connect.intentions.Rules.path;
import static io.meshinfer.connect.intentions.Rules.permit;
import static io.meshinfer.connect.intentions.Rules.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which intention applies to a caller, and what it decides for the connection (L4). */
class IntentionSetTest {

    private static final SpiffeId WEB = caller("default/web");

    /** The nine levels, highest first; each source covers default/web, each destination covers inference. */
    record Level(int precedence, String source, String destination) {
        @Override
        public String toString() {
            return precedence + ": " + source + " -> " + destination;
        }
    }

    static final List<Level> LEVELS = List.of(
            new Level(9, "default/web", "default/inference"),
            new Level(8, "default/*", "default/inference"),
            new Level(7, "*/*", "default/inference"),
            new Level(6, "default/web", "default/*"),
            new Level(5, "default/*", "default/*"),
            new Level(4, "*/*", "default/*"),
            new Level(3, "default/web", "*/*"),
            new Level(2, "default/*", "*/*"),
            new Level(1, "*/*", "*/*"));

    static Stream<Level> levels() {
        return LEVELS.stream();
    }

    @ParameterizedTest
    @MethodSource("levels")
    void precedenceIsConsulsNineLevels(Level level) {
        assertEquals(level.precedence(), allow(level.source(), level.destination()).precedence());
    }

    @ParameterizedTest
    @MethodSource("levels")
    void aDenyOutranksEveryAllowBelowIt(Level level) {
        Decision d = set(DefaultPolicy.ALLOW, ladder(level, true).toArray(Intention[]::new)).authorizeConnection(WEB);
        assertEquals(Decision.deny(IntentionSet.DENIED), d);
    }

    @ParameterizedTest
    @MethodSource("levels")
    void anAllowOutranksEveryDenyBelowIt(Level level) {
        Decision d = set(DefaultPolicy.DENY, ladder(level, false).toArray(Intention[]::new)).authorizeConnection(WEB);
        assertEquals(Decision.allow(IntentionSet.ALLOWED), d);
    }

    /** The intention at {@code top} with one action and every lower level with the other, listed lowest first. */
    private static List<Intention> ladder(Level top, boolean topDenies) {
        List<Intention> rules = new ArrayList<>();
        for (Level l : LEVELS.reversed()) {
            if (l.precedence() <= top.precedence()) {
                boolean denies = l == top ? topDenies : !topDenies;
                rules.add(denies ? deny(l.source(), l.destination()) : allow(l.source(), l.destination()));
            }
        }
        return rules;
    }

    record Tie(String name, Intention first, Intention second, boolean allowed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Tie> ties() {
        Intention allow = allow("default/web", "default/inference");
        Intention deny = deny("default/web", "default/inference");
        Intention l7 = l7("default/web", "default/inference", permit(path(new PathMatch.Prefix("/"))));
        return Stream.of(
                new Tie("allow listed first", allow, deny, false),
                new Tie("deny listed first", deny, allow, false),
                new Tie("deny against L7", l7, deny, false),
                new Tie("L7 against allow: the connection is allowed either way", allow, l7, true));
    }

    @ParameterizedTest
    @MethodSource("ties")
    void atEqualPrecedenceTheStricterRuleWins(Tie tie) {
        IntentionSet rules = set(DefaultPolicy.ALLOW, tie.first(), tie.second());
        assertEquals(tie.allowed(), rules.authorizeConnection(WEB).allowed());
    }

    @Test
    void atEqualPrecedenceAnL7IntentionBeatsAnAllowForRequests() {
        IntentionSet rules = set(DefaultPolicy.ALLOW,
                allow("default/web", "default/inference"),
                l7("default/web", "default/inference", forbid(path(new PathMatch.Exact("/admin")))));
        assertEquals(Decision.deny(IntentionSet.PERMISSION_DENIED), rules.authorizeRequest(WEB, get("/admin")));
    }

    record Who(String name, String source, String caller, boolean covered) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Who> sources() {
        return Stream.of(
                new Who("exact name", "default/web", "default/web", true),
                new Who("another name", "default/web", "default/api", false),
                new Who("wildcard name in the namespace", "default/*", "default/api", true),
                new Who("wildcard name, other namespace", "default/*", "team-a/web", false),
                new Who("wildcard namespace", "*/*", "team-a/web", true),
                new Who("exact name in another namespace", "team-a/web", "default/web", false),
                new Who("wildcard namespace, same partition", "ap1/*/*", "ap1/team-a/web", true),
                new Who("wildcard namespace never spans partitions", "*/*", "ap1/default/web", false),
                new Who("exact partition", "ap1/default/web", "ap1/default/web", true),
                new Who("partition differs", "ap1/default/web", "ap2/default/web", false),
                new Who("names are case-sensitive", "default/web", "default/Web", false));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void anIntentionCoversTheCallersItsSourceNames(Who who) {
        IntentionSet rules = set(DefaultPolicy.DENY, allow(who.source(), "default/inference"));
        assertEquals(who.covered(), rules.authorizeConnection(caller(who.caller())).allowed());
    }

    @Test
    void peerAndSamenessGroupSourcesNeverCoverALocalCaller() {
        ServiceName web = Rules.name("default/web");
        IntentionSet rules = set(DefaultPolicy.DENY,
                new Intention(new Source(web, "other-cluster", ""), Rules.name("default/inference"),
                        new Intention.L4(Action.ALLOW), false),
                new Intention(new Source(web, "", "everywhere"), Rules.name("default/inference"),
                        new Intention.L4(Action.ALLOW), false));
        assertEquals(Decision.deny(IntentionSet.DEFAULT_DENIED), rules.authorizeConnection(WEB));
    }

    @Test
    void intentionsForOtherDestinationsAreIgnored() {
        IntentionSet rules = set(DefaultPolicy.ALLOW,
                deny("default/web", "default/rerank"),
                deny("default/web", "team-a/*"),
                deny("default/web", "ap1/default/inference"));
        assertEquals(Decision.allow(IntentionSet.DEFAULT_ALLOWED), rules.authorizeConnection(WEB));
    }

    record Fallback(DefaultPolicy policy, Decision decision) {
    }

    static Stream<Fallback> fallbacks() {
        return Stream.of(new Fallback(DefaultPolicy.ALLOW, Decision.allow(IntentionSet.DEFAULT_ALLOWED)),
                new Fallback(DefaultPolicy.DENY, Decision.deny(IntentionSet.DEFAULT_DENIED)));
    }

    @ParameterizedTest
    @MethodSource("fallbacks")
    void withoutAnApplicableIntentionTheDefaultPolicyDecides(Fallback f) {
        IntentionSet rules = set(f.policy(), allow("default/api", "default/inference"));
        assertEquals(f.decision(), rules.authorizeConnection(WEB));
        assertEquals(f.decision(), rules.authorizeRequest(WEB, get("/embed")));
    }

    @ParameterizedTest
    @EnumSource(DefaultPolicy.class)
    void anL4IntentionDecidesEveryRequestToo(DefaultPolicy policy) {
        IntentionSet rules = set(policy, deny("default/web", "default/inference"), allow("*/*", "default/inference"));
        assertEquals(Decision.deny(IntentionSet.DENIED), rules.authorizeRequest(WEB, get("/embed")));
        assertEquals(Decision.allow(IntentionSet.ALLOWED),
                rules.authorizeRequest(caller("default/api"), get("/embed")));
    }

    @Test
    void anL7IntentionAdmitsTheConnectionAndLeavesRequestsToItsPermissions() {
        IntentionSet rules = set(DefaultPolicy.DENY,
                l7("default/web", "default/inference", permit(path(new PathMatch.Exact("/embed")))));
        assertEquals(Decision.allow(IntentionSet.ALLOWED_FOR_PERMISSIONS), rules.authorizeConnection(WEB));
    }

    @Test
    void anIntentionRequiringAJwtDeniesUntilJwtsAreSupported() {
        Intention allowWithJwt = new Intention(Rules.from("default/web"), Rules.name("default/inference"),
                new Intention.L4(Action.ALLOW), true);
        Intention l7WithJwt = new Intention(Rules.from("default/api"), Rules.name("default/inference"),
                new Intention.L7(List.of(permit(path(new PathMatch.Prefix("/"))))), true);
        IntentionSet rules = set(DefaultPolicy.ALLOW, allowWithJwt, l7WithJwt);
        Decision jwt = Decision.deny(IntentionSet.JWT_UNSUPPORTED);
        assertEquals(jwt, rules.authorizeConnection(WEB));
        assertEquals(jwt, rules.authorizeRequest(WEB, get("/embed")));
        assertEquals(jwt, rules.authorizeConnection(caller("default/api")));
        assertEquals(jwt, rules.authorizeRequest(caller("default/api"), get("/embed")));
    }

    @Test
    void aDenyIntentionWithAJwtRequirementIsAPlainDeny() {
        IntentionSet rules = set(DefaultPolicy.ALLOW, new Intention(Rules.from("default/web"),
                Rules.name("default/inference"), new Intention.L4(Action.DENY), true));
        assertEquals(Decision.deny(IntentionSet.DENIED), rules.authorizeConnection(WEB));
    }

    @Test
    void theMemoIsBoundedAndDecisionsDoNotDependOnIt() {
        IntentionSet rules = set(DefaultPolicy.DENY, allow("default/*", "default/inference"));
        int callers = IntentionSet.MEMO_LIMIT + 50;
        IntStream.range(0, callers)
                .forEach(i -> assertTrue(rules.authorizeConnection(caller("default/web-" + i)).allowed()));
        assertEquals(IntentionSet.MEMO_LIMIT, rules.memoSize());
        assertTrue(rules.authorizeConnection(caller("default/web-" + (callers - 1))).allowed(), "not remembered");
        assertTrue(rules.authorizeConnection(caller("default/web-0")).allowed(), "remembered");
        assertFalse(rules.authorizeConnection(caller("team-a/web-0")).allowed());
    }

    @Test
    void aNewSnapshotStartsWithAnEmptyMemo() {
        IntentionSet before = set(DefaultPolicy.DENY, allow("default/web", "default/inference"));
        assertTrue(before.authorizeConnection(WEB).allowed());
        IntentionSet after = set(DefaultPolicy.DENY, deny("default/web", "default/inference"));
        assertEquals(0, after.memoSize());
        assertFalse(after.authorizeConnection(WEB).allowed());
    }

    @Test
    void describingASnapshotNamesNoRule() {
        IntentionSet rules = set(DefaultPolicy.DENY, allow("default/web", "default/inference"),
                l7("default/api", "default/inference", permit(path(new PathMatch.Exact("/secret-path")))));
        String text = rules.toString();
        assertEquals("IntentionSet[destination=default/default/inference, intentions=2, defaultPolicy=DENY, index=7]",
                text);
        assertEquals(7, rules.index());
        assertEquals(DefaultPolicy.DENY, rules.defaultPolicy());
        assertFalse(text.contains("web") || text.contains("secret"));
    }
}
