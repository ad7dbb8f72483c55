package io.meshinfer.connect.intentions;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.SpiffeId;

/**
 * The intentions that apply to one destination service, as of one Consul index, evaluated locally the way
 * Consul's proxies evaluate them.
 *
 * <p>For a caller, the intention that applies is the one with the highest precedence among those whose source
 * names the caller; at equal precedence a deny wins. It allows or denies the connection (L4), or it holds
 * permissions that decide each request in order, the first that fits winning (L7). When nothing names the
 * caller, or no permission fits the request, the default policy decides. The caller's trust domain is not
 * checked here: the certificate chain has already proven it.
 *
 * <p>Immutable apart from a bounded memo of which intention applies to which caller, so a new snapshot starts
 * with an empty memo. Thread-safe; readers never lock.
 */
public final class IntentionSet {

    static final String ALLOWED = "allowed by intention";
    static final String DENIED = "denied by intention";
    static final String ALLOWED_FOR_PERMISSIONS = "allowed by intention; each request is checked by its permissions";
    static final String PERMISSION_ALLOWED = "allowed by intention permission";
    static final String PERMISSION_DENIED = "denied by intention permission";
    static final String DEFAULT_ALLOWED = "allowed by default policy";
    static final String DEFAULT_DENIED = "denied by default policy";
    static final String NO_PERMISSION_ALLOWED = "no permission matched; allowed by default policy";
    static final String NO_PERMISSION_DENIED = "no permission matched; denied by default policy";
    static final String JWT_UNSUPPORTED = "intention requires a JWT, which is not supported yet";

    private static final Decision BY_ALLOW = Decision.allow(ALLOWED);
    private static final Decision BY_DENY = Decision.deny(DENIED);
    private static final Decision BY_L7 = Decision.allow(ALLOWED_FOR_PERMISSIONS);
    private static final Decision BY_PERMISSION_ALLOW = Decision.allow(PERMISSION_ALLOWED);
    private static final Decision BY_PERMISSION_DENY = Decision.deny(PERMISSION_DENIED);
    private static final Decision BY_JWT = Decision.deny(JWT_UNSUPPORTED);

    /** Callers seen beyond this are evaluated without being remembered. */
    static final int MEMO_LIMIT = 10_000;

    private static final System.Logger LOG = System.getLogger(IntentionSet.class.getName());
    private static final AtomicBoolean JWT_WARNED = new AtomicBoolean();

    private final ServiceName destination;
    private final List<Intention> intentions;
    private final DefaultPolicy defaultPolicy;
    private final long index;
    private final Map<SpiffeId, Optional<Intention>> memo = new ConcurrentHashMap<>();

    /** Keeps only the intentions whose destination covers {@code destination}. */
    IntentionSet(ServiceName destination, Collection<Intention> intentions, DefaultPolicy defaultPolicy, long index) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.defaultPolicy = Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        this.index = index;
        this.intentions = intentions.stream()
                .filter(i -> i.destination()
                        .covers(destination.partition(), destination.namespace(), destination.name()))
                .sorted(Intention.EVALUATION_ORDER)
                .toList();
    }

    /**
     * The snapshot from Consul's intention match API ({@code GET /v1/connect/intentions/match?by=destination&name=}
     * the destination's service, in its namespace and partition).
     *
     * @param json          the response body
     * @param destination   this server's identity: its partition, namespace and service name are used
     * @param defaultPolicy what applies when no intention names a caller
     * @param index         the response's {@code X-Consul-Index}
     * @throws InvalidIntentionException if the body is not such a response, or holds a rule Consul would refuse
     */
    public static IntentionSet fromMatchResponse(String json, SpiffeId destination, DefaultPolicy defaultPolicy,
                                                 long index) {
        Objects.requireNonNull(json, "json");
        ServiceName self = ServiceName.of(destination);
        return new IntentionSet(self, MatchResponseReader.read(json, self.name()), defaultPolicy, index);
    }

    /**
     * The snapshot from {@code service-intentions} config entries, as {@code consul config write} takes them in
     * JSON: one entry or an array of them. Entries for other destinations are checked, then left out.
     *
     * @param json          the entry or entries
     * @param destination   this server's identity: its partition, namespace and service name are used
     * @param defaultPolicy what applies when no intention names a caller
     * @param index         a version number for the source, increasing with each change
     * @throws InvalidIntentionException if an entry is malformed or is one Consul would refuse to store
     */
    public static IntentionSet fromConfigEntries(String json, SpiffeId destination, DefaultPolicy defaultPolicy,
                                                 long index) {
        Objects.requireNonNull(json, "json");
        return new IntentionSet(ServiceName.of(destination), ConfigEntryReader.read(json), defaultPolicy, index);
    }

    /** Whether {@code source} may open a connection; L7 intentions admit it, leaving its requests to be checked. */
    public Decision authorizeConnection(SpiffeId source) {
        Optional<Intention> applicable = applicableTo(source);
        if (applicable.isEmpty()) {
            return byDefault(DEFAULT_ALLOWED, DEFAULT_DENIED);
        }
        Intention intention = applicable.get();
        return switch (intention.rule()) {
            case Intention.L4 l4 -> decide(l4, intention.requiresJwt());
            case Intention.L7 ignored -> intention.requiresJwt() ? jwtUnsupported() : BY_L7;
        };
    }

    /** Whether {@code source} may make this request: the connection's verdict, refined by L7 permissions. */
    public Decision authorizeRequest(SpiffeId source, HttpRequestFacts request) {
        Objects.requireNonNull(request, "request");
        Optional<Intention> applicable = applicableTo(source);
        if (applicable.isEmpty()) {
            return byDefault(DEFAULT_ALLOWED, DEFAULT_DENIED);
        }
        Intention intention = applicable.get();
        return switch (intention.rule()) {
            case Intention.L4 l4 -> decide(l4, intention.requiresJwt());
            case Intention.L7 l7 -> intention.requiresJwt() ? jwtUnsupported() : decide(l7, request);
        };
    }

    /** The Consul index (or file version) this snapshot was built from. */
    public long index() {
        return index;
    }

    public DefaultPolicy defaultPolicy() {
        return defaultPolicy;
    }

    @Override
    public String toString() {
        return "IntentionSet[destination=" + destination + ", intentions=" + intentions.size()
                + ", defaultPolicy=" + defaultPolicy + ", index=" + index + "]";
    }

    /** For tests: the memo's bound is not otherwise observable. */
    int memoSize() {
        return memo.size();
    }

    private Optional<Intention> applicableTo(SpiffeId source) {
        Objects.requireNonNull(source, "source");
        Optional<Intention> known = memo.get(source);
        if (known != null) {
            return known;
        }
        Optional<Intention> found = intentions.stream().filter(i -> i.source().admits(source)).findFirst();
        // size() is an estimate under concurrency; overshooting the limit by a few entries is harmless.
        if (memo.size() < MEMO_LIMIT) {
            memo.putIfAbsent(source, found);
        }
        return found;
    }

    private Decision decide(Intention.L4 l4, boolean requiresJwt) {
        if (l4.action() == Action.DENY) {
            return BY_DENY;
        }
        return requiresJwt ? jwtUnsupported() : BY_ALLOW;
    }

    private Decision decide(Intention.L7 l7, HttpRequestFacts request) {
        for (Permission permission : l7.permissions()) {
            if (!permission.http().matches(request)) {
                continue;
            }
            if (permission.action() == Action.DENY) {
                return BY_PERMISSION_DENY;
            }
            return permission.requiresJwt() ? jwtUnsupported() : BY_PERMISSION_ALLOW;
        }
        return byDefault(NO_PERMISSION_ALLOWED, NO_PERMISSION_DENIED);
    }

    private Decision byDefault(String allowed, String denied) {
        return defaultPolicy == DefaultPolicy.ALLOW ? Decision.allow(allowed) : Decision.deny(denied);
    }

    // Denying is the safe reading of a requirement we cannot check; say so once, not on every request.
    private static Decision jwtUnsupported() {
        if (JWT_WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "An intention requires a JWT; JWT validation is not supported yet,"
                    + " so the callers it covers are denied");
        }
        return BY_JWT;
    }
}
