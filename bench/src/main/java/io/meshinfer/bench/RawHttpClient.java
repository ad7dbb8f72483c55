package io.meshinfer.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * A minimal HTTP/1.1 client on one kept-alive connection: it writes a prepared request and reads the answer by its
 * Content-Length. Far cheaper than a general client, so that what a bench measures is the server, not the client.
 * Not thread-safe: one per thread.
 */
final class RawHttpClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];

    RawHttpClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
        socket.setTcpNoDelay(true);
    }

    /** A client on a connection already open (a TLS one, say). */
    RawHttpClient(Socket socket) throws IOException {
        this.socket = socket;
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** A POST request with a JSON body, ready to send. */
    static byte[] post(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /** Sends the request and reads the whole answer; returns the status code. */
    int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int filled = 0;
        int headerEnd = -1;
        while (headerEnd < 0) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("connection closed by the server");
            }
            filled += n;
            headerEnd = indexOfHeaderEnd(filled);
        }
        String head = new String(buffer, 0, headerEnd, StandardCharsets.US_ASCII);
        int status = Integer.parseInt(head.substring(9, 12));
        int length = contentLength(head)
                .orElseThrow(() -> new IllegalStateException("no Content-Length in " + head));
        int remaining = length - (filled - headerEnd - 4);
        while (remaining > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("connection closed mid-body");
            }
            remaining -= n;
        }
        return status;
    }

    private int indexOfHeaderEnd(int filled) {
        for (int i = 3; i < filled; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    /** The Content-Length of a message head, if it has one. */
    static OptionalInt contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return OptionalInt.of(Integer.parseInt(line.substring(colon + 1).trim()));
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
