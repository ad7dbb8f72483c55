package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads {@code service-intentions} config entries as {@code consul config write} takes them in JSON: one entry,
 * or an array of entries. Everything Consul would refuse to store is refused, with Consul's field names; entries
 * for every destination are returned, so that a file is valid or not regardless of who reads it.
 */
final class ConfigEntryReader {

    static final String KIND = "service-intentions";

    private ConfigEntryReader() {
    }

    static List<Intention> read(String json) {
        JsonNode root = JsonFields.parse(json);
        List<JsonFields> entries = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                entries.add(JsonFields.of(root.get(i), "[" + i + "]"));
            }
        } else {
            entries.add(JsonFields.of(root, ""));
        }
        List<Intention> out = new ArrayList<>();
        Set<ServiceName> destinations = new HashSet<>();
        for (JsonFields entry : entries) {
            List<Intention> intentions = entry(entry);
            ServiceName destination = intentions.getFirst().destination();
            if (!destinations.add(destination)) {
                throw new InvalidIntentionException(entry.where(), "defines the entry for \"" + destination
                        + "\" more than once");
            }
            out.addAll(intentions);
        }
        return out;
    }

    private static List<Intention> entry(JsonFields entry) {
        String kind = entry.text("Kind");
        if (!kind.equals(KIND)) {
            throw entry.invalid("Kind",
                    kind.isEmpty() ? "is required" : "must be \"" + KIND + "\", not \"" + kind + "\"");
        }
        String name = entry.text("Name");
        String namespace = entry.text("Namespace");
        String partition = entry.text("Partition");
        ServiceName destination = entry.build(() -> new ServiceName(name, namespace, partition));
        boolean jwt = PermissionsJson.requiresJwt(entry);
        List<JsonFields> sources = entry.objects("Sources");
        entry.ignore("Meta", "CreateIndex", "ModifyIndex");
        entry.rejectUnknown();
        if (sources.isEmpty()) {
            throw entry.invalid("Sources", "must hold at least one source");
        }
        List<Intention> out = new ArrayList<>();
        Set<Source> seen = new HashSet<>();
        for (JsonFields source : sources) {
            Intention intention = source(source, destination, jwt);
            if (!seen.add(intention.source())) {
                throw new InvalidIntentionException(source.where(), "defines " + describe(intention.source())
                        + " more than once");
            }
            out.add(intention);
        }
        return out;
    }

    private static Intention source(JsonFields src, ServiceName destination, boolean jwt) {
        String name = src.text("Name");
        String namespace = src.text("Namespace");
        String partition = src.text("Partition");
        String peer = src.text("Peer");
        String samenessGroup = src.text("SamenessGroup");
        if (!peer.isEmpty() && !partition.isEmpty()) {
            throw src.invalid("Peer", "cannot be set together with Partition");
        }
        if (!samenessGroup.isEmpty() && !partition.isEmpty()) {
            throw src.invalid("SamenessGroup", "cannot be set together with Partition");
        }
        if (!samenessGroup.isEmpty() && !peer.isEmpty()) {
            throw src.invalid("SamenessGroup", "cannot be set together with Peer");
        }
        // Consul fills in what a local source leaves out from the destination, except a wildcard.
        boolean local = peer.isEmpty() && samenessGroup.isEmpty();
        boolean inheritNamespace =
                namespace.isEmpty() && local && !destination.namespace().equals(ServiceName.WILDCARD);
        String effectiveNamespace = inheritNamespace ? destination.namespace() : namespace;
        String effectivePartition = partition.isEmpty() && local ? destination.partition() : partition;
        Source source = src.build(() ->
                new Source(new ServiceName(name, effectiveNamespace, effectivePartition), peer, samenessGroup));
        PermissionsJson.requireConsulSource(src, "Type");
        Intention.Rule rule = PermissionsJson.rule(src);
        src.ignore("Precedence", "Description");
        src.rejectUnknown();
        return src.build(() -> new Intention(source, destination, rule, jwt));
    }

    private static String describe(Source source) {
        if (!source.peer().isEmpty()) {
            return "peer(\"" + source.peer() + "\") \"" + source.service() + "\"";
        }
        if (!source.samenessGroup().isEmpty()) {
            return "sameness-group(\"" + source.samenessGroup() + "\") \"" + source.service() + "\"";
        }
        return "\"" + source.service() + "\"";
    }
}
