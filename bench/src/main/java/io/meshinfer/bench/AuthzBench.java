package io.meshinfer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.connect.Decision;
import io.meshinfer.connect.EmbeddedOptions;
import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.connect.intentions.HttpRequestFacts;

/**
 * The per-request decision on the mTLS listener, as the authorization filter asks it: the caller's proven identity
 * from its certificate chain, L4 again, then an L7 intention with path, method and header permissions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseSerialGC")
public class AuthzBench {
    private static final String RULES = """
            {"Kind": "service-intentions", "Name": "inference", "Sources": [
              {"Name": "web", "Permissions": [
                {"Action": "deny", "HTTP": {"PathPrefix": "/admin"}},
                {"Action": "allow", "HTTP": {"PathExact": "/rerank", "Methods": ["POST"],
                  "Header": [{"Name": "x-tenant", "Regex": "team-[a-z]+"}]}},
                {"Action": "allow", "HTTP": {"PathExact": "/embed", "Methods": ["POST"]}}]},
              {"Name": "*", "Action": "deny"}]}
            """;

    private ConnectService connect;
    private Certificate[] caller;
    private HttpRequestFacts embed;
    private HttpRequestFacts rerank;

    @Setup(Level.Trial)
    public void start() throws IOException {
        Path state = Files.createTempDirectory("meshinfer-authz-bench");
        Path rules = state.resolve("intentions.json");
        Files.writeString(rules, RULES);
        connect = ConnectService.embedded(new EmbeddedOptions("inference", state, rules, List.of(), List.of(), false));
        caller = StateDirectory.open(state).ca().issue("web", List.of(), List.of()).chain()
                .toArray(Certificate[]::new);
        embed = new HttpRequestFacts("POST", "/embed", name -> List.of());
        rerank = new HttpRequestFacts("POST", "/rerank", name -> name.equals("x-tenant") ? List.of("team-a")
                : List.of());
        if (!authorize(embed).allowed() || !authorize(rerank).allowed()) {
            throw new IllegalStateException("the bench's rules should allow both requests");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        connect.close();
    }

    @Benchmark
    public Decision embedByPath() {
        return authorize(embed);
    }

    @Benchmark
    public Decision rerankByPathMethodAndHeader() {
        return authorize(rerank);
    }

    // As the authorization filter asks it: the caller's identity from its chain, then the decision.
    private Decision authorize(HttpRequestFacts request) {
        return connect.caller(caller).map(id -> connect.authorize(id, request)).orElse(ConnectService.NO_IDENTITY);
    }
}
