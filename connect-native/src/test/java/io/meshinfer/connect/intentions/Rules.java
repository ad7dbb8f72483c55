package io.meshinfer.connect.intentions;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.meshinfer.connect.SpiffeId;

/** Terse builders for intentions, callers and requests, so tests read as tables of rules. */
final class Rules {

    static final SpiffeId INFERENCE = SpiffeId.service("mesh.consul", "default", "dc1", "inference");

    private Rules() {
    }

    /** {@code "ns/name"} or {@code "partition/ns/name"}. */
    static ServiceName name(String spec) {
        String[] parts = spec.split("/");
        return parts.length == 2
                ? new ServiceName(parts[1], parts[0], "")
                : new ServiceName(parts[2], parts[1], parts[0]);
    }

    static Source from(String spec) {
        return new Source(name(spec), "", "");
    }

    static Intention allow(String source, String destination) {
        return new Intention(from(source), name(destination), new Intention.L4(Action.ALLOW), false);
    }

    static Intention deny(String source, String destination) {
        return new Intention(from(source), name(destination), new Intention.L4(Action.DENY), false);
    }

    static Intention l7(String source, String destination, Permission... permissions) {
        return new Intention(from(source), name(destination), new Intention.L7(List.of(permissions)), false);
    }

    static Permission permit(HttpMatch http) {
        return new Permission(Action.ALLOW, http, false);
    }

    static Permission forbid(HttpMatch http) {
        return new Permission(Action.DENY, http, false);
    }

    static HttpMatch path(PathMatch path) {
        return new HttpMatch(path, List.of(), List.of());
    }

    static HttpMatch methods(String... methods) {
        return new HttpMatch(new PathMatch.Any(), List.of(methods), List.of());
    }

    static HttpMatch headers(HeaderMatch... headers) {
        return new HttpMatch(new PathMatch.Any(), List.of(), List.of(headers));
    }

    static IntentionSet set(DefaultPolicy policy, Intention... intentions) {
        return new IntentionSet(ServiceName.of(INFERENCE), List.of(intentions), policy, 7);
    }

    /** A caller in the default partition: {@code "ns/name"}, or {@code "partition/ns/name"}. */
    static SpiffeId caller(String spec) {
        ServiceName n = name(spec);
        return new SpiffeId("mesh.consul", n.partition(), n.namespace(), "dc1", n.name());
    }

    static HttpRequestFacts get(String rawPath) {
        return request("GET", rawPath, Map.of());
    }

    static HttpRequestFacts request(String method, String rawPath, Map<String, List<String>> headers) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return HttpRequestFacts.of(method, rawPath, name -> byName.getOrDefault(name, List.of()));
    }
}
