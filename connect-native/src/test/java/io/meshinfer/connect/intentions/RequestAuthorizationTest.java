package io.meshinfer.connect.intentions;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;

import static io.meshinfer.connect.intentions.Rules.caller;
import static io.meshinfer.connect.intentions.Rules.forbid;
import static io.meshinfer.connect.intentions.Rules.get;
import static io.meshinfer.connect.intentions.Rules.headers;
import static io.meshinfer.connect.intentions.Rules.l7;
import static io.meshinfer.connect.intentions.Rules.methods;
import static io.meshinfer.connect.intentions.Rules.path;
import static io.meshinfer.connect.intentions.Rules.permit;
import static io.meshinfer.connect.intentions.Rules.request;
import static io.meshinfer.connect.intentions.Rules.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the permissions of an L7 intention decide each request. */
class RequestAuthorizationTest {

    private static final SpiffeId WEB = caller("default/web");

    record Fit(String name, HttpMatch http, HttpRequestFacts request, boolean fits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Fit> fits() {
        HttpMatch exact = path(new PathMatch.Exact("/rerank"));
        HttpMatch prefix = path(new PathMatch.Prefix("/embed"));
        HttpMatch regex = path(new PathMatch.Regex(FullMatchRegex.compile("PathRegex", "/v[0-9]+/embed")));
        return Stream.of(
                new Fit("exact path", exact, get("/rerank"), true),
                new Fit("exact path after normalization", exact, get("/embed/../rerank"), true),
                new Fit("exact path ignores the query", exact, get("/rerank?x=1"), true),
                new Fit("exact path, trailing slash differs", exact, get("/rerank/"), false),
                new Fit("exact path is case-sensitive", exact, get("/RERANK"), false),
                new Fit("prefix is a plain string prefix", prefix, get("/embeddings"), true),
                new Fit("prefix after an encoded letter", prefix, get("/%65mbed/x"), true),
                new Fit("prefix, other path", prefix, get("/rerank"), false),
                new Fit("regex matches the whole path", regex, get("/v1/embed"), true),
                new Fit("regex does not match a part", regex, get("/v1/embed/extra"), false),
                new Fit("regex does not match a later part", regex, get("/x/v1/embed"), false),
                new Fit("method listed", methods("GET", "POST"), request("POST", "/x", Map.of()), true),
                new Fit("method not listed", methods("GET"), request("DELETE", "/x", Map.of()), false),
                new Fit("methods compare with case", methods("GET"), request("get", "/x", Map.of()), false),
                new Fit("lower-case methods in a rule mean upper-case", methods("post"),
                        request("POST", "/x", Map.of()), true),
                new Fit("no methods means any", prefix, request("PATCH", "/embed", Map.of()), true),
                new Fit("path and method both needed", new HttpMatch(new PathMatch.Exact("/rerank"), List.of("POST"),
                        List.of()), request("GET", "/rerank", Map.of()), false));
    }

    @ParameterizedTest
    @MethodSource("fits")
    void aPermissionFitsByPathAndMethod(Fit fit) {
        assertEquals(fit.fits(), fit.http().matches(fit.request()));
    }

    record HeaderRow(String name, HeaderMatch match, Map<String, List<String>> sent, boolean fits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<HeaderRow> headerRows() {
        Map<String, List<String>> none = Map.of();
        Map<String, List<String>> tenantA = Map.of("X-Tenant", List.of("team-a"));
        Map<String, List<String>> twoValues = Map.of("x-tenant", List.of("team-a", "team-b"));
        Map<String, List<String>> empty = Map.of("x-tenant", List.of(""));
        return Stream.of(
                new HeaderRow("present", h(true, "", "", "", "", false), tenantA, true),
                new HeaderRow("present, absent", h(true, "", "", "", "", false), none, false),
                new HeaderRow("present, empty value", h(true, "", "", "", "", false), empty, true),
                new HeaderRow("not present, absent", h(true, "", "", "", "", true), none, true),
                new HeaderRow("not present, sent", h(true, "", "", "", "", true), tenantA, false),
                new HeaderRow("exact", h(false, "team-a", "", "", "", false), tenantA, true),
                new HeaderRow("exact, other value", h(false, "team-b", "", "", "", false), tenantA, false),
                new HeaderRow("exact, absent", h(false, "team-a", "", "", "", false), none, false),
                new HeaderRow("inverted exact, other value", h(false, "team-b", "", "", "", true), tenantA, true),
                new HeaderRow("inverted exact, same value", h(false, "team-a", "", "", "", true), tenantA, false),
                new HeaderRow("inverted exact, absent: Envoy says no", h(false, "team-b", "", "", "", true), none,
                        false),
                new HeaderRow("prefix", h(false, "", "team-", "", "", false), tenantA, true),
                new HeaderRow("suffix", h(false, "", "", "-a", "", false), tenantA, true),
                new HeaderRow("suffix, other value", h(false, "", "", "-b", "", false), tenantA, false),
                new HeaderRow("regex, whole value", h(false, "", "", "", "team-[a-z]", false), tenantA, true),
                new HeaderRow("regex, part only", h(false, "", "", "", "team", false), tenantA, false),
                new HeaderRow("inverted regex, absent: Envoy says no", h(false, "", "", "", "x", true), none, false),
                new HeaderRow("name without case", h(false, "team-a", "", "", "", false),
                        Map.of("X-TENANT", List.of("team-a")), true),
                new HeaderRow("repeated header joined by commas", h(false, "team-a,team-b", "", "", "", false),
                        twoValues, true),
                new HeaderRow("repeated header is not tested value by value", h(false, "team-a", "", "", "", false),
                        twoValues, false),
                new HeaderRow("inverted, repeated header", h(false, "team-a", "", "", "", true), twoValues, true));
    }

    private static HeaderMatch h(boolean present, String exact, String prefix, String suffix, String regex,
                                 boolean invert) {
        return HeaderMatch.of("x-tenant", present, exact, prefix, suffix, regex, invert);
    }

    @ParameterizedTest
    @MethodSource("headerRows")
    void headersMatchAsEnvoyMatchesThem(HeaderRow row) {
        assertEquals(row.fits(), headers(row.match()).matches(request("GET", "/x", row.sent())));
    }

    @Test
    void allHeaderConditionsMustHold() {
        HttpMatch both = headers(h(false, "team-a", "", "", "", false),
                HeaderMatch.of("x-debug", true, "", "", "", "", true));
        assertTrue(both.matches(request("GET", "/", Map.of("x-tenant", List.of("team-a")))));
        assertFalse(both.matches(request("GET", "/", Map.of("x-tenant", List.of("team-a"),
                "x-debug", List.of("1")))));
    }

    record Ordered(String path, Decision decision) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Ordered> firstFitWins() {
        return Stream.of(
                new Ordered("/admin/users", Decision.deny(IntentionSet.PERMISSION_DENIED)),
                new Ordered("/admin", Decision.allow(IntentionSet.PERMISSION_ALLOWED)),
                new Ordered("/embed", Decision.allow(IntentionSet.PERMISSION_ALLOWED)),
                new Ordered("/embed/../admin/users", Decision.deny(IntentionSet.PERMISSION_DENIED)),
                new Ordered("/admin%2Fusers", Decision.deny(IntentionSet.PERMISSION_DENIED)),
                new Ordered("//admin/users", Decision.deny(IntentionSet.PERMISSION_DENIED)),
                new Ordered("/rerank", Decision.deny(IntentionSet.NO_PERMISSION_DENIED)));
    }

    @ParameterizedTest
    @MethodSource("firstFitWins")
    void permissionsAreTriedInOrderAndTheFirstFitDecides(Ordered row) {
        IntentionSet rules = set(DefaultPolicy.DENY, l7("default/web", "default/inference",
                forbid(path(new PathMatch.Prefix("/admin/"))),
                permit(path(new PathMatch.Prefix("/admin"))),
                permit(path(new PathMatch.Exact("/embed")))));
        assertEquals(row.decision(), rules.authorizeRequest(WEB, get(row.path())));
    }

    @Test
    void whenNoPermissionFitsTheDefaultPolicyDecides() {
        Intention onlyEmbed = l7("default/web", "default/inference", permit(path(new PathMatch.Exact("/embed"))));
        assertEquals(Decision.allow(IntentionSet.NO_PERMISSION_ALLOWED),
                set(DefaultPolicy.ALLOW, onlyEmbed).authorizeRequest(WEB, get("/rerank")));
        assertEquals(Decision.deny(IntentionSet.NO_PERMISSION_DENIED),
                set(DefaultPolicy.DENY, onlyEmbed).authorizeRequest(WEB, get("/rerank")));
    }

    @Test
    void aLowerIntentionNeverFillsInForAnL7IntentionsMisses() {
        IntentionSet rules = set(DefaultPolicy.DENY,
                l7("default/web", "default/inference", permit(path(new PathMatch.Exact("/embed")))),
                Rules.allow("default/*", "default/inference"));
        assertEquals(Decision.deny(IntentionSet.NO_PERMISSION_DENIED), rules.authorizeRequest(WEB, get("/rerank")));
    }

    @Test
    void aPermissionRequiringAJwtDeniesTheRequestsItFits() {
        Permission embedWithJwt = new Permission(Action.ALLOW, path(new PathMatch.Exact("/embed")), true);
        IntentionSet rules = set(DefaultPolicy.DENY, l7("default/web", "default/inference", embedWithJwt,
                permit(path(new PathMatch.Exact("/rerank")))));
        assertEquals(Decision.deny(IntentionSet.JWT_UNSUPPORTED), rules.authorizeRequest(WEB, get("/embed")));
        assertEquals(Decision.allow(IntentionSet.PERMISSION_ALLOWED), rules.authorizeRequest(WEB, get("/rerank")));
    }
}
