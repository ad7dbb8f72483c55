package io.meshinfer.server.http;

import java.util.List;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.intentions.HttpRequestFacts;
import io.meshinfer.connect.intentions.RequestPath;
import io.meshinfer.server.inference.Timings;
import io.meshinfer.server.metrics.ServerMetrics;

/**
 * The first step of every request on the mTLS listener: who is calling (the identity proven in the handshake) and
 * may they make this request (the intentions, L4 again and L7). Denied: 403 with the reason, never the rule. A
 * path that is not in canonical form, or that the router would read differently (matrix parameters such as
 * {@code /embed/..;/rerank}), is refused with 400 rather than authorized in one form and routed in another.
 * Stateless and thread-safe.
 */
public final class CallerAuthorization implements Filter {
    private final ConnectService connect;
    private final Exchange exchange;
    private final ServerMetrics metrics;

    public CallerAuthorization(ConnectService connect, Exchange exchange, ServerMetrics metrics) {
        this.connect = connect;
        this.exchange = exchange;
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Timings timings = new Timings();
        long start = System.nanoTime();
        String rawPath = req.path().rawPath();
        Exchange.Style style = Exchange.Style.of(rawPath);
        String path;
        try {
            path = RequestPath.normalize(rawPath);
        } catch (IllegalArgumentException e) {
            exchange.refuse(req, res, style, new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST,
                    "invalid request path: " + e.getMessage()), timings);
            return;
        }
        // Helidon routes on its own decoded form (matrix parameters stripped, dot segments resolved): all three
        // must agree, or a rule could judge one path while another is served.
        if (!path.equals(rawPath) || !path.equals(req.path().path())) {
            exchange.refuse(req, res, style, new ApiException(Status.BAD_REQUEST_400, ErrorType.BAD_REQUEST,
                    "request path is not in canonical form; send " + path), timings);
            return;
        }
        Optional<SpiffeId> caller = connect.caller(req.remotePeer().tlsCertificates().orElse(null));
        HttpRequestFacts facts = new HttpRequestFacts(req.prologue().method().text(), path, name -> values(req, name));
        Decision decision = caller.map(id -> connect.authorize(id, facts)).orElse(ConnectService.NO_IDENTITY);
        long nanos = System.nanoTime() - start;
        timings.recordAuthz(nanos);
        metrics.authz(caller.map(SpiffeId::service).orElse("unknown"), decision.allowed(), nanos);
        if (!decision.allowed()) {
            exchange.refuse(req, res, style, new ApiException(Status.FORBIDDEN_403, ErrorType.FORBIDDEN,
                    "forbidden: " + decision.reason()), timings);
            return;
        }
        exchange.proceed(timings, chain::proceed);
    }

    private static List<String> values(RoutingRequest req, String name) {
        HeaderName header = HeaderNames.create(name);
        return req.headers().contains(header) ? req.headers().get(header).allValues() : List.of();
    }
}
