package io.meshinfer.connect.intentions;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One source's rule for one destination, as Consul's intention match API returns it.
 *
 * @param requiresJwt whether requests must carry a JWT from some provider; such an intention denies, because this
 *                    server does not check tokens (JWT enforcement is a later issue) and must fail closed
 */
record Intention(Source source, ServiceName destination, Rule rule, boolean requiresJwt) {

    /** An intention either decides the whole connection (L4) or each request by its permissions (L7). */
    sealed interface Rule {
    }

    record L4(Action action) implements Rule {
        L4 {
            Objects.requireNonNull(action, "action");
        }
    }

    record L7(List<Permission> permissions) implements Rule {
        L7 {
            permissions = List.copyOf(permissions);
            if (permissions.isEmpty()) {
                throw new IllegalArgumentException("an L7 intention has at least one permission");
            }
        }
    }

    /**
     * The order Consul tries intentions in: higher precedence first. At equal precedence the stricter rule comes
     * first, so a deny wins a tie; Consul's own tie-break (agent/structs/intention.go) is only lexical, there to
     * keep the order stable, and comes last here for the same reason.
     */
    static final Comparator<Intention> EVALUATION_ORDER = Comparator
            .comparingInt(Intention::precedence).reversed()
            .thenComparingInt(Intention::leniency)
            .thenComparing(i -> i.source().samenessGroup())
            .thenComparing(i -> i.source().peer())
            .thenComparing(i -> i.source().service().partition())
            .thenComparing(i -> i.source().service().namespace())
            .thenComparing(i -> i.source().service().name())
            .thenComparing(i -> i.destination().partition())
            .thenComparing(i -> i.destination().namespace())
            .thenComparing(i -> i.destination().name());

    Intention {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(rule, "rule");
        if (rule instanceof L7 && destination.hasWildcard()) {
            throw new InvalidIntentionException("Permissions",
                    "cannot be specified on intentions with wildcarded destinations");
        }
    }

    /**
     * Consul's precedence, 1 to 9: the destination's exactness sets the band (9, 6 or 3), the source's lowers it
     * by the number of wildcards. The partition plays no part: it is never a wildcard.
     */
    int precedence() {
        int bandTop = 3 * (destination.exactCount() + 1);
        return bandTop - (2 - source.service().exactCount());
    }

    private int leniency() {
        if (requiresJwt || rule instanceof L4(Action action) && action == Action.DENY) {
            return 0;
        }
        return rule instanceof L7 ? 1 : 2;
    }
}
