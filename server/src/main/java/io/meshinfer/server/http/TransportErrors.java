package io.meshinfer.server.http;

import java.util.Optional;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import io.meshinfer.server.http.Exchange.Style;
import io.meshinfer.server.metrics.ServerMetrics;

/**
 * The errors Helidon answers itself, before any route runs (a malformed request line or header, a head over the size
 * limit, an unsupported HTTP version), written as JSON like every other error: TEI's shape, or OpenAI's under
 * {@code /v1/}. Counted under the route {@code transport}. Helidon also answers here for an exception that escapes a
 * route; meshinfer's handlers answer their own errors, so that is only a bug's way out. Thread-safe.
 */
public final class TransportErrors implements DirectHandler {
    private final ServerMetrics metrics;

    private TransportErrors(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Direct handlers for a listener: this one for every kind of event. */
    public static DirectHandlers handlers(ServerMetrics metrics) {
        TransportErrors errors = new TransportErrors(metrics);
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType event : EventType.values()) {
            builder.addHandler(event, errors);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType event, Status status,
                                    ServerResponseHeaders headers, String message) {
        boolean internal = event == EventType.INTERNAL_ERROR || event == EventType.OTHER;
        Optional<String> encoding = request.headers().first(HeaderNames.CONTENT_ENCODING)
                .filter(e -> !e.equalsIgnoreCase("identity"));
        // Helidon refuses a body it cannot decode with a bare 400.
        boolean encoded = status.code() == Status.BAD_REQUEST_400.code() && encoding.isPresent();
        Status answer = encoded ? Status.UNSUPPORTED_MEDIA_TYPE_415 : status;
        ErrorType type = switch (answer.code()) {
            case 403 -> ErrorType.FORBIDDEN;
            case 413, 414 -> ErrorType.PAYLOAD_TOO_LARGE;
            default -> internal ? ErrorType.BACKEND : ErrorType.BAD_REQUEST;
        };
        // An internal failure's message may describe our internals; the caller gets the status's reason.
        String text = encoded ? "Content-Encoding " + encoding.get() + " is not supported: send the body uncompressed"
                : message == null || message.isBlank() || internal ? answer.reasonPhrase() : message;
        byte[] body = Exchange.json(Exchange.errorBody(Style.of(request.path()), new ApiException(answer, type, text)));
        metrics.exchange("transport", answer.code());
        headers.contentType(HttpMediaTypes.JSON_UTF_8);
        return TransportResponse.builder()
                .status(answer)
                .headers(headers)
                .keepAlive(event.keepAlive())
                .entity(body)
                .build();
    }
}
