package io.meshinfer.connect.intentions;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.Decision;

import static io.meshinfer.connect.intentions.Rules.INFERENCE;
import static io.meshinfer.connect.intentions.Rules.caller;
import static io.meshinfer.connect.intentions.Rules.get;
import static io.meshinfer.connect.intentions.Rules.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots read from Consul's {@code /v1/connect/intentions/match?by=destination} answer. */
class MatchResponseTest {

    // As Consul 1.16 CE answers for "inference", highest precedence first; "Precedence" is recomputed, not trusted.
    private static final String RESPONSE = """
            {
              "inference": [
                {
                  "SourceNS": "default", "SourceName": "web",
                  "DestinationNS": "default", "DestinationName": "inference",
                  "SourceType": "consul", "Action": "allow", "Precedence": 9,
                  "CreatedAt": "0001-01-01T00:00:00Z", "UpdatedAt": "0001-01-01T00:00:00Z",
                  "CreateIndex": 41, "ModifyIndex": 41
                },
                {
                  "SourceNS": "default", "SourceName": "billing",
                  "DestinationNS": "default", "DestinationName": "inference",
                  "SourceType": "consul", "Precedence": 9,
                  "Permissions": [
                    { "Action": "deny", "HTTP": { "PathPrefix": "/admin" } },
                    { "Action": "allow",
                      "HTTP": { "PathRegex": "/(embed|rerank)", "Methods": ["POST"],
                                "Header": [ { "Name": "x-tenant", "Exact": "billing" },
                                            { "Name": "x-debug", "Present": true, "Invert": true } ] } }
                  ],
                  "CreateIndex": 42, "ModifyIndex": 42
                },
                {
                  "SourceNS": "default", "SourceName": "partner",
                  "DestinationNS": "default", "DestinationName": "inference",
                  "SourceType": "consul", "Action": "allow", "Precedence": 9,
                  "JWT": { "Providers": [ { "Name": "okta",
                                            "VerifyClaims": [ { "Path": ["aud"], "Value": "api" } ] } ] }
                },
                {
                  "SourceNS": "default", "SourceName": "web", "SourcePeer": "west",
                  "DestinationNS": "default", "DestinationName": "inference",
                  "SourceType": "consul", "Action": "allow", "Precedence": 9
                },
                {
                  "SourceNS": "default", "SourceName": "*",
                  "DestinationNS": "default", "DestinationName": "inference",
                  "SourceType": "consul", "Action": "deny", "Precedence": 1
                },
                {
                  "SourceNS": "default", "SourceName": "metrics",
                  "DestinationNS": "default", "DestinationName": "*",
                  "SourceType": "consul", "Action": "allow", "Precedence": 99
                }
              ]
            }
            """;

    private static final IntentionSet RULES =
            IntentionSet.fromMatchResponse(RESPONSE, INFERENCE, DefaultPolicy.ALLOW, 42);

    record Call(String caller, HttpRequestFacts request, Decision decision) {
        @Override
        public String toString() {
            return caller + " " + request.method() + " " + request.path();
        }
    }

    static Stream<Call> calls() {
        Map<String, List<String>> billingTenant = Map.of("X-Tenant", List.of("billing"));
        return Stream.of(
                new Call("default/web", get("/embed"), Decision.allow(IntentionSet.ALLOWED)),
                new Call("default/billing", request("POST", "/embed", billingTenant),
                        Decision.allow(IntentionSet.PERMISSION_ALLOWED)),
                new Call("default/billing", request("POST", "/admin/x", billingTenant),
                        Decision.deny(IntentionSet.PERMISSION_DENIED)),
                new Call("default/billing", request("GET", "/embed", billingTenant),
                        Decision.allow(IntentionSet.NO_PERMISSION_ALLOWED)),
                new Call("default/partner", get("/embed"), Decision.deny(IntentionSet.JWT_UNSUPPORTED)),
                new Call("default/search", get("/embed"), Decision.deny(IntentionSet.DENIED)),
                new Call("default/metrics", get("/metrics"), Decision.deny(IntentionSet.DENIED)),
                new Call("team-a/web", get("/embed"), Decision.allow(IntentionSet.DEFAULT_ALLOWED)));
    }

    @ParameterizedTest
    @MethodSource("calls")
    void aRealMatchResponseDecidesAsConsulWould(Call call) {
        assertEquals(call.decision(), RULES.authorizeRequest(caller(call.caller()), call.request()));
    }

    @Test
    void precedenceIsRecomputedSoAWildcardDestinationNeverOutranksAnExactOne() {
        // "default/*" on the destination "inference" (8) outranks "metrics" on "*" (6), whatever Precedence says.
        assertEquals(Decision.deny(IntentionSet.DENIED), RULES.authorizeConnection(caller("default/metrics")));
    }

    @Test
    void noIntentionsAtAllLeaveTheDefaultPolicy() {
        IntentionSet rules = IntentionSet.fromMatchResponse("{\"inference\": null}", INFERENCE, DefaultPolicy.DENY, 3);
        assertEquals(Decision.deny(IntentionSet.DEFAULT_DENIED), rules.authorizeConnection(caller("default/web")));
        assertEquals(3, rules.index());
    }

    @Test
    void duplicatedRulesAtOnePrecedenceResolveToTheDeny() {
        String json = """
                {"inference": [
                  {"SourceNS": "default", "SourceName": "web", "DestinationNS": "default",
                   "DestinationName": "inference", "Action": "allow"},
                  {"SourceNS": "default", "SourceName": "web", "DestinationNS": "default",
                   "DestinationName": "inference", "Action": "deny"}
                ]}""";
        IntentionSet rules = IntentionSet.fromMatchResponse(json, INFERENCE, DefaultPolicy.ALLOW, 1);
        assertEquals(Decision.deny(IntentionSet.DENIED), rules.authorizeConnection(caller("default/web")));
    }

    /** {@code message} is how the error message starts. */
    record Bad(String name, String json, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String WEB_TO_INFERENCE =
            "\"SourceNS\": \"default\", \"SourceName\": \"web\", \"DestinationNS\": \"default\", "
                    + "\"DestinationName\": \"inference\"";

    static Stream<Bad> refused() {
        return Stream.of(
                new Bad("not JSON", "{", "input is not valid JSON: Unexpected end-of-input"),
                new Bad("an array", "[]", "the match response must be a JSON object"),
                new Bad("another service", "{\"rerank\": []}", "the match response has no entry for \"inference\""),
                new Bad("names differ in case", "{\"Inference\": []}",
                        "the match response has no entry for \"inference\""),
                new Bad("not a list", "{\"inference\": {}}", "inference must be a JSON array"),
                new Bad("no source name",
                        "{\"inference\": [{\"DestinationName\": \"inference\", \"Action\": \"allow\"}]}",
                        "inference[0].Source.Name is required"),
                new Bad("wildcard partition", "{\"inference\": [{" + WEB_TO_INFERENCE
                        + ", \"SourcePartition\": \"*\", \"Action\": \"allow\"}]}",
                        "inference[0].Source.Partition cannot be a wildcard"),
                new Bad("neither action nor permissions", "{\"inference\": [{" + WEB_TO_INFERENCE + "}]}",
                        "inference[0].Action must be \"allow\" or \"deny\", not \"\""),
                new Bad("other source type", "{\"inference\": [{" + WEB_TO_INFERENCE
                        + ", \"SourceType\": \"external\", \"Action\": \"allow\"}]}",
                        "inference[0].SourceType must be \"consul\", not \"external\""),
                new Bad("unknown match condition", "{\"inference\": [{" + WEB_TO_INFERENCE
                        + ", \"Permissions\": [{\"Action\": \"allow\", \"HTTP\": {\"PathPrefix\": \"/\","
                        + " \"QueryParam\": [{\"Name\": \"admin\"}]}}]}]}",
                        "inference[0].Permissions[0].HTTP.QueryParam is not a known key"),
                new Bad("regex Java cannot compile", "{\"inference\": [{" + WEB_TO_INFERENCE
                        + ", \"Permissions\": [{\"Action\": \"allow\", \"HTTP\": {\"PathRegex\": \"/(?P<v>x)\"}}]}]}",
                        "inference[0].Permissions[0].HTTP.PathRegex is not a valid regular expression: "
                                + "Unknown inline modifier"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void malformedResponsesAreRefusedNamingTheField(Bad bad) {
        InvalidIntentionException e = assertThrows(InvalidIntentionException.class,
                () -> IntentionSet.fromMatchResponse(bad.json(), INFERENCE, DefaultPolicy.DENY, 1));
        assertTrue(e.getMessage().startsWith(bad.message()), e.getMessage());
    }
}
