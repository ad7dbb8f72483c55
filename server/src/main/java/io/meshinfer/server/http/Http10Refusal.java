package io.meshinfer.server.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import io.meshinfer.server.http.Exchange.Style;
import io.meshinfer.server.metrics.ServerMetrics;

/**
 * Answers an HTTP/1.0 request with a JSON 505 and closes. Helidon 4.2 serves HTTP/1.1 and HTTP/2 only, and closes an
 * HTTP/1.0 connection without a word, which leaves ApacheBench or an HTTP/1.0 health check with an empty reply and no
 * reason. Put ahead of Helidon's own selectors; counted under the route {@code transport}. Thread-safe.
 */
public final class Http10Refusal implements ServerConnectionSelector {
    /** As Helidon's own HTTP/1.1 selector, give up on a request line longer than this. */
    private static final int MAX_REQUEST_LINE = 8192;
    private static final String MESSAGE = "HTTP/1.0 is not supported: send HTTP/1.1 (curl without --http1.0; a load "
            + "generator such as wrk, hey or h2load rather than ApacheBench)";

    private final ServerMetrics metrics;

    public Http10Refusal(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        int lineFeed = data.indexOf((byte) '\n');
        if (lineFeed == -1) {
            return data.available() > MAX_REQUEST_LINE ? Support.UNSUPPORTED : Support.UNKNOWN;
        }
        return data.readString(lineFeed).endsWith(" HTTP/1.0\r") ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext context) {
        return new Refusal(context);
    }

    private final class Refusal implements ServerConnection {
        private final ConnectionContext context;

        Refusal(ConnectionContext context) {
            this.context = context;
        }

        @Override
        public void handle(Semaphore requestSemaphore) {
            String requestLine = context.dataReader().readLine();
            String[] parts = requestLine.split(" ");
            String path = parts.length == 3 ? parts[1] : "/";
            Status status = Status.HTTP_VERSION_NOT_SUPPORTED_505;
            byte[] body = Exchange.json(Exchange.errorBody(Style.of(path),
                                                           new ApiException(status, ErrorType.BAD_REQUEST, MESSAGE)));
            String head = "HTTP/1.0 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n";
            // What the client sent is in the buffer: reading it spares the client a reset that could lose the answer.
            context.dataReader().skip(context.dataReader().available());
            context.dataWriter().writeNow(BufferData.create(head.getBytes(StandardCharsets.US_ASCII)),
                                          BufferData.create(body));
            metrics.exchange("transport", status.code());
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            // Nothing held beyond the socket, which the listener closes once handle returns.
        }
    }
}
