package io.meshinfer.bench;

import java.io.IOException;
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

import io.meshinfer.server.MeshinferServer;

/**
 * The cost of serving one short sentence over HTTP, against the cost of the work itself.
 *
 * <p>{@code inProcess} is exactly what the batch thread does for a batch of one: tokenize, fill the buffers, run
 * the graph. {@code overHttp} is a client's {@code POST /embed} on a kept-alive connection to a server in the same
 * JVM. Their p50 ratio is the server's overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class EmbedOverheadBench {
    static final String SENTENCE = "What is Deep Learning?";
    static final byte[] REQUEST = RawHttpClient.post("/embed", "{\"inputs\": \"" + SENTENCE + "\"}");

    private MeshinferServer server;
    private RawHttpClient client;
    private InProcess direct;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = InProcess.server();
        client = new RawHttpClient(server.port());
        direct = new InProcess(server.models().defaultModel());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        server.close();
    }

    @Benchmark
    public float[] inProcess() throws Exception {
        return direct.run(SENTENCE);
    }

    @Benchmark
    public int overHttp() throws IOException {
        int status = client.exchange(REQUEST);
        if (status != 200) {
            throw new IllegalStateException("status " + status);
        }
        return status;
    }
}
