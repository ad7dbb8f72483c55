package io.meshinfer.server.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A list of float vectors as an answer ({@code /embed}): written as a JSON array of arrays directly, without the
 * general serializer, because for a short sentence the JSON of 384 floats costs as much as the rest of the HTTP
 * path together (measured with the overhead bench).
 *
 * @param rows the vectors
 */
public record Vectors(List<float[]> rows) {
    /** The JSON bytes: numbers as {@link Float#toString(float)} writes them, which JSON parsers read exactly. */
    public byte[] toJson() {
        int width = rows.isEmpty() ? 0 : rows.getFirst().length;
        StringBuilder out = new StringBuilder(2 + rows.size() * (2 + width * 12));
        out.append('[');
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0) {
                out.append(',');
            }
            out.append('[');
            float[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                float v = row[i];
                if (Float.isFinite(v)) {
                    out.append(v);
                } else {
                    // Not representable in JSON; quoted the way Jackson writes it.
                    out.append('"').append(v).append('"');
                }
            }
            out.append(']');
        }
        out.append(']');
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
