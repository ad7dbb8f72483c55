package io.meshinfer.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

import io.helidon.common.mapper.MapperManager;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;

class HelidonMappersTest {
    @Test
    void theFixedManagerKeepsTheConversionsHeadersUseAndStaysFixed() {
        HelidonMappers.fix();
        MapperManager fixed = MapperManager.global();
        HelidonMappers.fix();
        assertSame(fixed, MapperManager.global());
        assertEquals(15L, HeaderValues.create(HeaderNames.CONTENT_LENGTH, "15").get(Long.class));
    }
}
