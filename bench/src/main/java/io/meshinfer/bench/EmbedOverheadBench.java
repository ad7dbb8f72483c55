package io.meshinfer.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
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

import io.meshinfer.models.Model;
import io.meshinfer.models.runtime.InputBuffers;
import io.meshinfer.models.runtime.ModelSession;
import io.meshinfer.server.MeshinferServer;
import io.meshinfer.server.config.ConfigLoader;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

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

    private MeshinferServer server;
    private RawHttpClient client;
    private byte[] request;
    private Model model;
    private ModelSession session;
    private InputBuffers buffers;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = MeshinferServer.start(ConfigLoader.load(List.of("--port", "0", "--admin-port", "0",
                                                                 "--log-level", "warning"), Map.of()));
        client = new RawHttpClient(server.port());
        request = RawHttpClient.post("/embed", "{\"inputs\": \"" + SENTENCE + "\"}");
        model = server.models().defaultModel();
        session = model.session();
        buffers = new InputBuffers(model.description().maxLength());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        server.close();
    }

    @Benchmark
    public float[] inProcess() throws Exception {
        Encoding e = model.tokenizer().encode(SENTENCE, false, TruncationDirection.RIGHT);
        buffers.reset(1, e.length());
        buffers.putRow(0, e.ids(), e.typeIds());
        return session.run(buffers, model.description().inputs(), model.description().output());
    }

    @Benchmark
    public int overHttp() throws IOException {
        int status = client.exchange(request);
        if (status != 200) {
            throw new IllegalStateException("status " + status);
        }
        return status;
    }
}
