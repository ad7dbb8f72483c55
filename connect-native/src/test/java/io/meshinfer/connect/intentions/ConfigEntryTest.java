package io.meshinfer.connect.intentions;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;

import static io.meshinfer.connect.intentions.Rules.INFERENCE;
import static io.meshinfer.connect.intentions.Rules.caller;
import static io.meshinfer.connect.intentions.Rules.get;
import static io.meshinfer.connect.intentions.Rules.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots read from service-intentions config entries: the embedded mode's intentions file. */
class ConfigEntryTest {

    private static IntentionSet read(String json, DefaultPolicy policy) {
        return IntentionSet.fromConfigEntries(json, INFERENCE, policy, 1);
    }

    @Test
    void oneEntryAsConsulDocumentsIt() {
        IntentionSet rules = read("""
                {
                  "Kind": "service-intentions",
                  "Name": "inference",
                  "Sources": [
                    { "Name": "web", "Action": "allow" },
                    { "Name": "billing",
                      "Permissions": [
                        { "Action": "allow", "HTTP": { "PathExact": "/embed", "Methods": ["post"] } },
                        { "Action": "deny", "HTTP": { "PathPrefix": "/" } }
                      ] },
                    { "Name": "*", "Action": "deny" }
                  ]
                }""", DefaultPolicy.ALLOW);
        assertEquals(Decision.allow(IntentionSet.ALLOWED), rules.authorizeConnection(caller("default/web")));
        assertEquals(Decision.deny(IntentionSet.DENIED), rules.authorizeConnection(caller("default/api")));
        assertEquals(Decision.allow(IntentionSet.PERMISSION_ALLOWED),
                rules.authorizeRequest(caller("default/billing"), request("POST", "/embed", Map.of())));
        assertEquals(Decision.deny(IntentionSet.PERMISSION_DENIED),
                rules.authorizeRequest(caller("default/billing"), get("/embed")));
    }

    @Test
    void onlyEntriesWhoseDestinationCoversThisServiceApply() {
        IntentionSet rules = read("""
                [
                  { "Kind": "service-intentions", "Name": "rerank",
                    "Sources": [ { "Name": "web", "Action": "deny" } ] },
                  { "Kind": "service-intentions", "Name": "inference", "Namespace": "team-a",
                    "Sources": [ { "Name": "web", "Action": "deny" } ] },
                  { "Kind": "service-intentions", "Name": "inference", "Partition": "ap1",
                    "Sources": [ { "Name": "web", "Action": "deny" } ] },
                  { "Kind": "service-intentions", "Name": "*",
                    "Sources": [ { "Name": "api", "Action": "deny" } ] }
                ]""", DefaultPolicy.ALLOW);
        assertEquals(Decision.allow(IntentionSet.DEFAULT_ALLOWED), rules.authorizeConnection(caller("default/web")));
        assertEquals(Decision.deny(IntentionSet.DENIED), rules.authorizeConnection(caller("default/api")));
        assertEquals("IntentionSet[destination=default/default/inference, intentions=1, defaultPolicy=ALLOW, index=1]",
                rules.toString());
    }

    @Test
    void aSourceWithoutNamespaceOrPartitionTakesTheDestinations() {
        SpiffeId teamInference = new SpiffeId("mesh.consul", "ap1", "team-a", "dc1", "inference");
        IntentionSet rules = IntentionSet.fromConfigEntries("""
                { "Kind": "service-intentions", "Name": "inference", "Namespace": "team-a", "Partition": "ap1",
                  "Sources": [ { "Name": "web", "Action": "allow" } ] }""", teamInference, DefaultPolicy.DENY, 1);
        assertTrue(rules.authorizeConnection(caller("ap1/team-a/web")).allowed());
        assertFalse(rules.authorizeConnection(caller("ap1/default/web")).allowed());
        assertFalse(rules.authorizeConnection(caller("team-a/web")).allowed());
    }

    @Test
    void keysMatchWithoutCaseAndConsulsSnakeCaseAliasesWork() {
        IntentionSet rules = read("""
                { "kind": "service-intentions", "NAME": "inference",
                  "sources": [
                    { "name": "web",
                      "permissions": [ { "action": "allow",
                                         "http": { "path_prefix": "/embed",
                                                   "header": [ { "name": "x-tenant", "exact": "a" } ] } } ] },
                    { "name": "web", "peer": "west", "action": "allow" },
                    { "name": "web", "sameness_group": "everywhere", "action": "allow" }
                  ] }""", DefaultPolicy.DENY);
        assertEquals(Decision.allow(IntentionSet.PERMISSION_ALLOWED), rules.authorizeRequest(caller("default/web"),
                request("GET", "/embed", Map.of("X-Tenant", List.of("a")))));
    }

    @Test
    void aJwtOnTheEntryCoversEverySourceAndAJwtOnAPermissionCoversThatPermission() {
        IntentionSet rules = read("""
                { "Kind": "service-intentions", "Name": "inference",
                  "JWT": { "Providers": [ { "Name": "okta" } ] },
                  "Sources": [ { "Name": "web", "Action": "allow" } ] }""", DefaultPolicy.ALLOW);
        assertEquals(Decision.deny(IntentionSet.JWT_UNSUPPORTED), rules.authorizeConnection(caller("default/web")));

        IntentionSet perPermission = read("""
                { "Kind": "service-intentions", "Name": "inference",
                  "Sources": [ { "Name": "web", "Permissions": [
                    { "Action": "allow", "HTTP": { "PathPrefix": "/embed" },
                      "JWT": { "Providers": [ { "Name": "okta",
                                                "VerifyClaims": [ { "Path": ["sub"], "Value": "x" } ] } ] } },
                    { "Action": "allow", "HTTP": { "PathPrefix": "/rerank" } } ] } ] }""", DefaultPolicy.DENY);
        assertEquals(Decision.deny(IntentionSet.JWT_UNSUPPORTED),
                perPermission.authorizeRequest(caller("default/web"), get("/embed")));
        assertEquals(Decision.allow(IntentionSet.PERMISSION_ALLOWED),
                perPermission.authorizeRequest(caller("default/web"), get("/rerank")));
    }

    @Test
    void anEmptyProviderListRequiresNoJwt() {
        IntentionSet rules = read("""
                { "Kind": "service-intentions", "Name": "inference", "JWT": { "Providers": [] },
                  "Sources": [ { "Name": "web", "Action": "allow" } ] }""", DefaultPolicy.DENY);
        assertEquals(Decision.allow(IntentionSet.ALLOWED), rules.authorizeConnection(caller("default/web")));
    }

    @Test
    void fieldsConsulWritesBackAreAccepted() {
        IntentionSet rules = read("""
                { "Kind": "service-intentions", "Name": "inference", "Meta": { "owner": "ml" },
                  "CreateIndex": 10, "ModifyIndex": 12,
                  "Sources": [ { "Name": "web", "Action": "allow", "Precedence": 9, "Type": "consul",
                                 "Description": "front end" } ] }""", DefaultPolicy.DENY);
        assertTrue(rules.authorizeConnection(caller("default/web")).allowed());
    }

    /** {@code message} is how the error message starts. */
    record Bad(String name, String json, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** An entry for "inference" with the given sources, and the given extra entry keys. */
    private static String entry(String extra, String sources) {
        return "{\"Kind\": \"service-intentions\", \"Name\": \"inference\"" + extra + ", \"Sources\": [" + sources
                + "]}";
    }

    /** A source "web" with one permission holding the given HTTP object. */
    private static String http(String http) {
        return entry("", "{\"Name\": \"web\", \"Permissions\": [{\"Action\": \"allow\", \"HTTP\": " + http + "}]}");
    }

    static Stream<Bad> refused() {
        String web = "{\"Name\": \"web\", \"Action\": \"allow\"}";
        return Stream.of(
                new Bad("no kind", "{\"Name\": \"inference\"}", "Kind is required"),
                new Bad("other kind", "{\"Kind\": \"service-defaults\", \"Name\": \"inference\"}",
                        "Kind must be \"service-intentions\", not \"service-defaults\""),
                new Bad("other kind in an array", "[" + entry("", web) + ", {\"Kind\": \"proxy-defaults\"}]",
                        "[1].Kind must be \"service-intentions\", not \"proxy-defaults\""),
                new Bad("no name", "{\"Kind\": \"service-intentions\", \"Sources\": [" + web + "]}",
                        "Name is required"),
                new Bad("partial wildcard name", "{\"Kind\": \"service-intentions\", \"Name\": \"infer*\"}",
                        "Name cannot be a partial wildcard; only \"*\" alone is one"),
                new Bad("no sources", entry("", ""), "Sources must hold at least one source"),
                new Bad("unknown entry key", entry(", \"Destination\": \"x\"", web),
                        "Destination is not a known key"),
                new Bad("same key twice in other case", entry(", \"name\": \"x\"", web),
                        "name is given twice (keys are matched without case)"),
                new Bad("same destination twice", "[" + entry("", web) + ", " + entry("", web) + "]",
                        "[1] defines the entry for \"default/default/inference\" more than once"),
                new Bad("source without name", entry("", "{\"Action\": \"allow\"}"), "Sources[0].Name is required"),
                new Bad("exact name under wildcard namespace",
                        entry("", "{\"Name\": \"web\", \"Namespace\": \"*\", \"Action\": \"allow\"}"),
                        "Sources[0].Name cannot be exact under a wildcard namespace"),
                new Bad("wildcard partition",
                        entry("", "{\"Name\": \"web\", \"Partition\": \"*\", \"Action\": \"allow\"}"),
                        "Sources[0].Partition cannot be a wildcard"),
                new Bad("wildcard peer", entry("", "{\"Name\": \"web\", \"Peer\": \"*\", \"Action\": \"allow\"}"),
                        "Sources[0].Peer cannot be a wildcard"),
                new Bad("peer and partition",
                        entry("", "{\"Name\": \"web\", \"Peer\": \"west\", \"Partition\": \"ap1\","
                                + " \"Action\": \"allow\"}"),
                        "Sources[0].Peer cannot be set together with Partition"),
                new Bad("sameness group and peer",
                        entry("", "{\"Name\": \"web\", \"Peer\": \"w\", \"SamenessGroup\": \"g\","
                                + " \"Action\": \"allow\"}"),
                        "Sources[0].SamenessGroup cannot be set together with Peer"),
                new Bad("neither action nor permissions", entry("", "{\"Name\": \"web\"}"),
                        "Sources[0].Action must be \"allow\" or \"deny\", not \"\""),
                new Bad("action in capitals", entry("", "{\"Name\": \"web\", \"Action\": \"Allow\"}"),
                        "Sources[0].Action must be \"allow\" or \"deny\", not \"Allow\""),
                new Bad("both action and permissions", entry("", "{\"Name\": \"web\", \"Action\": \"allow\","
                        + " \"Permissions\": [{\"Action\": \"allow\", \"HTTP\": {\"PathPrefix\": \"/\"}}]}"),
                        "Sources[0].Action must be omitted if Permissions are specified"),
                new Bad("JWT on a source, where Consul has none",
                        entry("", "{\"Name\": \"web\", \"Action\": \"allow\", \"JWT\": {}}"),
                        "Sources[0].JWT is not a known key"),
                new Bad("JWT provider without name", entry(", \"JWT\": {\"Providers\": [{}]}", web),
                        "JWT.Providers[0].Name is required"),
                new Bad("other source type", entry("", "{\"Name\": \"web\", \"Action\": \"allow\", \"Type\": \"x\"}"),
                        "Sources[0].Type must be \"consul\", not \"x\""),
                new Bad("source listed twice", entry("", web + ", " + web),
                        "Sources[1] defines \"default/default/web\" more than once"),
                new Bad("permissions on a wildcard destination",
                        "{\"Kind\": \"service-intentions\", \"Name\": \"*\", \"Sources\": [{\"Name\": \"web\","
                                + " \"Permissions\": [{\"Action\": \"allow\", \"HTTP\": {\"PathPrefix\": \"/\"}}]}]}",
                        "Sources[0].Permissions cannot be specified on intentions with wildcarded destinations"),
                new Bad("permission without action", entry("", "{\"Name\": \"web\", \"Permissions\": "
                        + "[{\"HTTP\": {\"PathPrefix\": \"/\"}}]}"),
                        "Sources[0].Permissions[0].Action must be \"allow\" or \"deny\", not \"\""),
                new Bad("permission without HTTP", entry("", "{\"Name\": \"web\", \"Permissions\": "
                        + "[{\"Action\": \"allow\"}]}"), "Sources[0].Permissions[0].HTTP is required"),
                new Bad("empty HTTP", http("{}"), "Sources[0].Permissions[0].HTTP should not be empty"),
                new Bad("two path matchers", http("{\"PathExact\": \"/a\", \"PathPrefix\": \"/a\"}"),
                        "Sources[0].Permissions[0].HTTP should only contain at most one of PathExact, PathPrefix,"
                                + " or PathRegex"),
                new Bad("relative exact path", http("{\"PathExact\": \"embed\"}"),
                        "Sources[0].Permissions[0].HTTP.PathExact doesn't start with '/': \"embed\""),
                new Bad("relative prefix", http("{\"PathPrefix\": \"embed\"}"),
                        "Sources[0].Permissions[0].HTTP.PathPrefix doesn't start with '/': \"embed\""),
                new Bad("broken path regex", http("{\"PathRegex\": \"/(embed\"}"),
                        "Sources[0].Permissions[0].HTTP.PathRegex is not a valid regular expression: Unclosed group"),
                new Bad("unknown method", http("{\"Methods\": [\"FETCH\"]}"),
                        "Sources[0].Permissions[0].HTTP.Methods contains an invalid method \"FETCH\""),
                new Bad("method twice", http("{\"Methods\": [\"GET\", \"get\"]}"),
                        "Sources[0].Permissions[0].HTTP.Methods contains \"GET\" more than once"),
                new Bad("method not a string", http("{\"Methods\": [1]}"),
                        "Sources[0].Permissions[0].HTTP.Methods[0] must be a string"),
                new Bad("header without name", http("{\"Header\": [{\"Present\": true}]}"),
                        "Sources[0].Permissions[0].HTTP.Header[0].Name is required"),
                new Bad("header with no test", http("{\"Header\": [{\"Name\": \"x\", \"Invert\": true}]}"),
                        "Sources[0].Permissions[0].HTTP.Header[0] should only contain one of Present, Exact, Prefix,"
                                + " Suffix, or Regex"),
                new Bad("header with two tests", http("{\"Header\": [{\"Name\": \"x\", \"Exact\": \"a\","
                        + " \"Prefix\": \"a\"}]}"),
                        "Sources[0].Permissions[0].HTTP.Header[0] should only contain one of Present, Exact, Prefix,"
                                + " Suffix, or Regex"),
                new Bad("broken header regex", http("{\"Header\": [{\"Name\": \"x\", \"Regex\": \"[a\"}]}"),
                        "Sources[0].Permissions[0].HTTP.Header[0].Regex is not a valid regular expression"),
                new Bad("present as a string", http("{\"Header\": [{\"Name\": \"x\", \"Present\": \"true\"}]}"),
                        "Sources[0].Permissions[0].HTTP.Header[0].Present must be true or false"),
                new Bad("unknown header key", http("{\"Header\": [{\"Name\": \"x\", \"Present\": true,"
                        + " \"Contains\": \"a\"}]}"),
                        "Sources[0].Permissions[0].HTTP.Header[0].Contains is not a known key"),
                new Bad("sources not a list", "{\"Kind\": \"service-intentions\", \"Name\": \"inference\","
                        + " \"Sources\": {}}", "Sources must be a JSON array"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void entriesConsulWouldRefuseAreRefusedNamingTheField(Bad bad) {
        InvalidIntentionException e = assertThrows(InvalidIntentionException.class,
                () -> read(bad.json(), DefaultPolicy.DENY));
        assertTrue(e.getMessage().startsWith(bad.message()), e.getMessage());
    }
}
