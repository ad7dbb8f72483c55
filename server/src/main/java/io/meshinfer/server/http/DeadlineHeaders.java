package io.meshinfer.server.http;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;

import io.meshinfer.server.inference.CallerWait;
import io.meshinfer.server.inference.Timings;

/**
 * The deadline a caller sends with a request: a budget in whole milliseconds, counted from the request's arrival,
 * in {@code x-request-timeout-ms} or in Envoy's {@code x-envoy-expected-rq-timeout-ms} (which an Envoy in front of
 * the caller sets to its route timeout, after which it has answered its own caller already). With both, the
 * smaller wins; 0 means no deadline, as a 0 timeout means none to Envoy.
 */
final class DeadlineHeaders {
    static final HeaderName REQUEST_TIMEOUT = HeaderNames.create("x-request-timeout-ms");
    static final HeaderName ENVOY_TIMEOUT = HeaderNames.create("x-envoy-expected-rq-timeout-ms");
    private static final long MAX_MILLIS = TimeUnit.DAYS.toMillis(1);

    private DeadlineHeaders() {
    }

    /**
     * The caller's wait for this request.
     *
     * @param hungUp whether the caller's connection has closed
     * @throws ApiException 400 when a header is not a whole number of milliseconds between 0 and one day
     */
    static CallerWait waitOf(Headers headers, Timings timings, BooleanSupplier hungUp) {
        long budget = Math.min(budget(headers, REQUEST_TIMEOUT), budget(headers, ENVOY_TIMEOUT));
        return budget == Long.MAX_VALUE ? CallerWait.untilHangUp(hungUp)
                : CallerWait.within(timings.startNanos(), budget, hungUp);
    }

    // Long.MAX_VALUE when the header is absent or 0.
    private static long budget(Headers headers, HeaderName name) {
        Optional<String> value = headers.first(name);
        if (value.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long millis;
        try {
            millis = Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 0 || millis > MAX_MILLIS) {
            throw new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST, "header " + name.defaultCase()
                    + " must be whole milliseconds from 0 (no deadline) to " + MAX_MILLIS + ", not '"
                    + value.get() + "'", name.lowerCase());
        }
        return millis == 0 ? Long.MAX_VALUE : millis;
    }
}
