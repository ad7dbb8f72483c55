package io.meshinfer.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The same-run reference the benches compare the server with: the least a JDK HTTP/1.1 server built the way
 * meshinfer is built can do. A virtual thread per connection (as Helidon's), a fixed {@code 200 ok} answer, and,
 * when asked, a hand-off of each request to one platform thread and back (as the batcher's, since JNI inference
 * never runs on a virtual thread). The machine's speed drifts between runs, so a ratio to this, measured in the
 * same run, says what the server adds; a ratio to last week's number does not.
 */
final class BareServer implements AutoCloseable {
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final ExecutorService worker;

    private BareServer(ServerSocket listener, boolean handOff) {
        this.listener = listener;
        this.worker = handOff ? Executors.newSingleThreadExecutor() : null;
        Thread.ofPlatform().daemon().start(this::accept);
    }

    /**
     * Answers on {@code listener} (plain or TLS) from now on.
     *
     * @param handOff whether each request is handed to a platform thread and waited for before the answer
     */
    static BareServer start(ServerSocket listener, boolean handOff) {
        return new BareServer(listener, handOff);
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket accepted = listener.accept();
                Thread.ofVirtual().start(() -> serve(accepted));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket accepted) {
        try (Socket socket = accepted) {
            socket.setTcpNoDelay(true);
            // Buffered: the head is read a byte at a time, and a socket's own stream makes each byte a system call.
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (skipRequest(in)) {
                if (worker != null) {
                    Future<?> done = worker.submit(() -> { });
                    done.get();
                }
                out.write(OK);
                out.flush();
            }
        } catch (IOException | ExecutionException e) {
            // A caller that resets or closes ends its own bench call; the connection just ends here.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request (head, then a body of its Content-Length); false at the end of the stream. */
    private static boolean skipRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.append((char) b);
            last4 = (last4 << 8) | b;
        }
        int length = RawHttpClient.contentLength(head.toString()).orElse(0);
        return in.readNBytes(length).length == length;
    }
}
