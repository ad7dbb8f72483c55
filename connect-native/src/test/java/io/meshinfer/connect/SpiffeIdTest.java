package io.meshinfer.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

class SpiffeIdTest {

    @Test
    void aConsulServiceIdParsesIntoItsParts() {
        SpiffeId id = SpiffeId.parse("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web");
        assertEquals(new SpiffeId("11111111-2222-3333-4444-555555555555.consul", "default", "default", "dc1", "web"), id);
        assertEquals("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web", id.toUri());
    }

    @Test
    void aPartitionAppearsInTheUriOnlyOutsideTheDefaultOne() {
        SpiffeId id = SpiffeId.parse("spiffe://td.consul/ap/team-a/ns/ml/dc/eu1/svc/inference");
        assertEquals("team-a", id.partition());
        assertEquals("spiffe://td.consul/ap/team-a/ns/ml/dc/eu1/svc/inference", id.toUri());
        assertEquals("spiffe://td.consul/ns/ml/dc/eu1/svc/inference",
                SpiffeId.parse("spiffe://td.consul/ap/default/ns/ml/dc/eu1/svc/inference").toUri());
    }

    @Test
    void trustDomainsCompareWithoutCase() {
        assertTrue(SpiffeId.parse("spiffe://TD.Consul/ns/default/dc/dc1/svc/web").inTrustDomain("td.consul"));
    }

    record Bad(String name, String uri, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badIds() {
        return Stream.of(
                new Bad("https scheme", "https://td.consul/ns/default/dc/dc1/svc/web", SpiffeId.NOT_SPIFFE),
                new Bad("no host", "spiffe:///ns/default/dc/dc1/svc/web", SpiffeId.NOT_SPIFFE),
                new Bad("agent id", "spiffe://td.consul/agent/client/dc/dc1/id/abc", SpiffeId.NOT_A_SERVICE),
                new Bad("signing id", "spiffe://td.consul", SpiffeId.NOT_A_SERVICE),
                new Bad("trailing slash", "spiffe://td.consul/ns/default/dc/dc1/svc/web/", SpiffeId.NOT_A_SERVICE),
                new Bad("escaped slash in name", "spiffe://td.consul/ns/default/dc/dc1/svc/we%2Fb",
                        SpiffeId.NOT_A_SERVICE),
                new Bad("empty service", "spiffe://td.consul/ns/default/dc/dc1/svc/", SpiffeId.NOT_A_SERVICE),
                new Bad("query", "spiffe://td.consul/ns/default/dc/dc1/svc/web?x=1", SpiffeId.HAS_EXTRAS),
                new Bad("port", "spiffe://td.consul:8443/ns/default/dc/dc1/svc/web", SpiffeId.HAS_EXTRAS),
                new Bad("not a uri", "spiffe://td consul/ns", SpiffeId.NOT_SPIFFE));
    }

    @ParameterizedTest
    @MethodSource("badIds")
    void anythingButAServiceIdIsRefusedWithItsReason(Bad row) {
        var e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(row.uri()));
        assertTrue(e.getMessage().startsWith(row.message()), e.getMessage());
    }
}
