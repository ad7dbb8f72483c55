package io.meshinfer.server.http;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VectorsTest {
    @Test
    void writesWhatJacksonWritesAndReadsBackExactly() throws Exception {
        List<float[]> rows = List.of(new float[] {0.1f, -1.5e-7f, 3.4028235e38f, 0f}, new float[] {1, 2, 3, 4});
        ObjectMapper json = new ObjectMapper();
        JsonNode ours = json.readTree(new Vectors(rows).toJson());
        assertEquals(json.readTree(json.writeValueAsBytes(rows)), ours);
        assertEquals(-1.5e-7f, ours.get(0).get(1).floatValue());
        assertEquals("[]", new String(new Vectors(List.of()).toJson()));
    }

    @Test
    void timingMillisecondsHaveThreeDecimals() {
        assertEquals("0.007", Exchange.preciseMillis(7_400));
        assertEquals("12.345", Exchange.preciseMillis(12_345_678));
        assertEquals("3.050", Exchange.preciseMillis(3_050_000));
    }
}
