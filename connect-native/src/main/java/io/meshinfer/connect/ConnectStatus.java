package io.meshinfer.connect;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /health}, the logs and the metrics say about identity and policy.
 *
 * @param mode            {@code "consul"} or {@code "embedded"}
 * @param ready           a valid leaf, roots and intentions are in hand
 * @param leafSerial      our current leaf's serial
 * @param leafValidBefore when our current leaf expires
 * @param roots           how many roots we trust
 * @param intentionsIndex the index (Consul) or generation (file) of the intentions we enforce
 * @param agentReachable  whether the last call to the Consul agent worked (always true in embedded mode)
 * @param problems        what is wrong right now, in words for an operator; empty when all is well
 */
public record ConnectStatus(String mode,
                            boolean ready,
                            Optional<String> leafSerial,
                            Optional<Instant> leafValidBefore,
                            int roots,
                            long intentionsIndex,
                            boolean agentReachable,
                            List<String> problems) {

    public ConnectStatus {
        problems = List.copyOf(problems);
    }
}
