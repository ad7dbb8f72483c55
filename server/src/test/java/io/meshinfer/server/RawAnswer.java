package io.meshinfer.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 answer read off a raw connection, for tests that write their own bytes: its head (status line and
 * headers, up to the blank line) and the body its {@code Content-Length} announces.
 */
public record RawAnswer(String head, String body) {
    /** Reads one answer; fails when the connection ends before the head does. */
    public static RawAnswer read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: '" + head + "'");
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new RawAnswer(head.toString(), new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    public int status() {
        return Integer.parseInt(head.substring(9, 12));
    }
}
