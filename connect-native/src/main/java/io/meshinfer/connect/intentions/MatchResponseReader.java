package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads Consul's {@code GET /v1/connect/intentions/match?by=destination&name=<service>} answer: an object that
 * maps the queried name to the intentions whose destination covers it. Keys Consul may add to an intention over
 * versions (IDs, timestamps, metadata) are skipped; inside permissions nothing unknown is.
 */
final class MatchResponseReader {

    private MatchResponseReader() {
    }

    static List<Intention> read(String json, String service) {
        JsonNode root = JsonFields.parse(json);
        if (!root.isObject()) {
            throw new InvalidIntentionException("", "the match response must be a JSON object");
        }
        JsonNode list = root.get(service);
        if (list == null) {
            throw new InvalidIntentionException("", "the match response has no entry for \"" + service + "\"");
        }
        List<Intention> out = new ArrayList<>();
        if (list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new InvalidIntentionException(service, "must be a JSON array");
        }
        for (int i = 0; i < list.size(); i++) {
            out.add(intention(JsonFields.of(list.get(i), service + "[" + i + "]")));
        }
        return out;
    }

    // Errors about the source or destination name their part ("inference[3].Source.Name is required").
    private static Intention intention(JsonFields ixn) {
        String sourceName = ixn.text("SourceName");
        String sourceNamespace = ixn.text("SourceNS");
        String sourcePartition = ixn.text("SourcePartition");
        String peer = ixn.text("SourcePeer");
        String samenessGroup = ixn.text("SourceSamenessGroup");
        Source source = ixn.build("Source", () ->
                new Source(new ServiceName(sourceName, sourceNamespace, sourcePartition), peer, samenessGroup));
        String destinationName = ixn.text("DestinationName");
        String destinationNamespace = ixn.text("DestinationNS");
        String destinationPartition = ixn.text("DestinationPartition");
        ServiceName destination = ixn.build("Destination", () ->
                new ServiceName(destinationName, destinationNamespace, destinationPartition));
        PermissionsJson.requireConsulSource(ixn, "SourceType");
        Intention.Rule rule = PermissionsJson.rule(ixn);
        boolean jwt = PermissionsJson.requiresJwt(ixn);
        return ixn.build(() -> new Intention(source, destination, rule, jwt));
    }
}
