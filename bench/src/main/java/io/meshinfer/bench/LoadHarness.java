package io.meshinfer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.models.Model;
import io.meshinfer.models.builtin.BuiltinModels;
import io.meshinfer.models.runtime.InputBuffers;
import io.meshinfer.server.MeshinferServer;
import io.meshinfer.server.config.ServerConfig;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

/**
 * The load harness: the overhead ratio with HTTP and in-process runs interleaved (in several JVMs, beside its floors),
 * the same over mTLS, batching throughput at 64 concurrent clients (on against off, with the raw ONNX Runtime bound
 * measured in the same run), start-to-ready time, and resident memory against a bare ONNX Runtime session. Prints
 * numbers and ratios; asserts nothing.
 *
 * <p>Usage: {@code LoadHarness [--seconds N] [--clients N] [--forks N] [--samples N] [--jmh FILE] [--jar FILE]}.
 * Every request loop is bounded in time and talks only to loopback.
 */
public final class LoadHarness {
    private static final List<String> SENTENCES = List.of(
            "What is Deep Learning?", "The cat sat on the mat.", "How do I reset my password?",
            "Inference servers batch requests.", "A quick brown fox jumps over the lazy dog.",
            "Where is the nearest train station?", "Embeddings map text to vectors.", "It rained all day.");

    /** Runs only the interleaved overhead, in this JVM, and prints its {@link OverheadRun} last. */
    private static final String ONE_FORK = "--overhead-one-jvm";

    private LoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains(ONE_FORK)) {
            System.out.println(interleavedOverhead(intArg(args, "--samples", 1000)).line());
            return;
        }
        int seconds = intArg(args, "--seconds", 15);
        int clients = intArg(args, "--clients", 64);
        String jmh = stringArg(args, "--jmh", "");
        String jar = stringArg(args, "--jar", "server/target/meshinfer.jar");

        System.out.println("== meshinfer load harness (" + Runtime.getRuntime().availableProcessors() + " cores) ==");
        if (!jmh.isEmpty() && Files.isRegularFile(Path.of(jmh))) {
            overhead(Path.of(jmh));
        }
        overheadAcrossForks(intArg(args, "--forks", 5), intArg(args, "--samples", 1000));
        mtlsOverhead(intArg(args, "--samples", 1000));
        batching(seconds, clients);
        if (Files.isRegularFile(Path.of(jar))) {
            startupAndMemory(Path.of(jar));
        } else {
            System.out.println("startup/RSS: skipped, no " + jar + " (run ./meshinfer build first)");
        }
    }

    /** The p50 ratio of the two JMH benches of {@link EmbedOverheadBench}. */
    static void overhead(Path jmhJson) throws IOException {
        JsonNode results = new ObjectMapper().readTree(jmhJson.toFile());
        double http = 0;
        double local = 0;
        for (JsonNode r : results) {
            double p50 = r.at("/primaryMetric/scorePercentiles/50.0").asDouble();
            if (r.get("benchmark").asText().endsWith("overHttp")) {
                http = p50;
            } else if (r.get("benchmark").asText().endsWith("inProcess")) {
                local = p50;
            }
        }
        // JMH runs the two one after the other, so the machine's drift between them lands in this ratio.
        System.out.printf(Locale.ROOT, "overhead, JMH (sequential runs; read the interleaved ratio below): p50 over "
                + "HTTP %.1f us / p50 in-process tokenize+run %.1f us = %.3f (target <= 1.10)%n", http, local,
                          http / local);
    }

    /**
     * The same ratio as the JMH bench, but with the two measurements alternating request by request, so that the
     * machine's drift (other load, frequency, thermal) falls on both equally. Beside it, in the same loop and each
     * right after a graph run (whose pass over its weights leaves the caches and idle cores that the HTTP path then
     * starts from), the references: a {@link BareServer} exchange (loopback, a virtual thread per connection, a
     * hand-off to a platform thread and back), the floor of the stack the design prescribes (a {@link HelidonFloor}
     * exchange, which does no work at all), and that floor with the design's hand-off to a platform thread, the least
     * any server built this way adds.
     */
    static OverheadRun interleavedOverhead(int samples) throws Exception {
        try (MeshinferServer server = InProcess.server();
             RawHttpClient client = new RawHttpClient(server.port());
             BareServer bareServer = BareServer.start(
                     new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), true);
             RawHttpClient bare = new RawHttpClient(bareServer.port());
             HelidonFloor helidonServer = HelidonFloor.start(false);
             RawHttpClient helidon = new RawHttpClient(helidonServer.port());
             HelidonFloor handOffServer = HelidonFloor.start(true);
             RawHttpClient handOff = new RawHttpClient(handOffServer.port())) {
            InProcess direct = new InProcess(server.models().defaultModel());
            byte[] request = EmbedOverheadBench.REQUEST;
            byte[] decode = RawHttpClient.post("/decode", "{\"ids\": [101, 7592, 102]}");
            long[] local = new long[samples];
            long[] http = new long[samples];
            long[] decodeAfterRequest = new long[samples];
            long[] decodeAfterRun = new long[samples];
            long[] bareAfterRun = new long[samples];
            long[] helidonAfterRun = new long[samples];
            long[] handOffAfterRun = new long[samples];
            // The JIT compiles a path fully only after thousands of calls, and a running server is past that: warm
            // every path first, the cheap requests most.
            for (int i = 0; i < 10_000; i++) {
                timedExchange(client, decode);
                timedExchange(bare, request);
                timedExchange(helidon, request);
                timedExchange(handOff, request);
            }
            for (int i = 0; i < 5_000; i++) {
                timedExchange(client, request);
            }
            for (int i = -samples / 2; i < samples; i++) {
                long localNanos = timedRun(direct);
                long httpNanos = timedExchange(client, request);
                long decodeAfterRunNanos = timedExchangeAfterRun(direct, client, decode);
                long decodeNanos = timedExchange(client, decode);
                long bareNanos = timedExchangeAfterRun(direct, bare, request);
                long helidonNanos = timedExchangeAfterRun(direct, helidon, request);
                long handOffNanos = timedExchangeAfterRun(direct, handOff, request);
                if (i >= 0) {
                    local[i] = localNanos;
                    http[i] = httpNanos;
                    decodeAfterRun[i] = decodeAfterRunNanos;
                    decodeAfterRequest[i] = decodeNanos;
                    bareAfterRun[i] = bareNanos;
                    helidonAfterRun[i] = helidonNanos;
                    handOffAfterRun[i] = handOffNanos;
                }
            }
            double p50Local = InProcess.p50Micros(local);
            double p50Http = InProcess.p50Micros(http);
            double p50Bare = InProcess.p50Micros(bareAfterRun);
            System.out.printf(Locale.ROOT, "overhead, interleaved (%d pairs): p50 over HTTP %.1f us / p50 in-process "
                    + "%.1f us = %.3f (target <= 1.10)%n", samples, p50Http, p50Local, p50Http / p50Local);
            System.out.printf(Locale.ROOT, "meshinfer's HTTP path without inference (POST /decode): p50 %.1f us right "
                    + "after another request, %.1f us right after a graph run%n",
                              InProcess.p50Micros(decodeAfterRequest), InProcess.p50Micros(decodeAfterRun));
            System.out.printf(Locale.ROOT, "bare JDK exchange (virtual thread per connection, hand-off to a platform "
                    + "thread, fixed answer) right after a graph run: p50 %.1f us%n", p50Bare);
            double bound = (p50Local + p50Bare) / p50Local;
            System.out.printf(Locale.ROOT, "overhead bound (in-process + bare exchange, same run): %.3f; measured "
                    + "overhead / bound = %.3f%n", bound, (p50Http / p50Local) / bound);
            double p50Helidon = InProcess.p50Micros(helidonAfterRun);
            System.out.printf(Locale.ROOT, "Helidon floor (a Helidon exchange that does nothing, right after a graph "
                    + "run): p50 %.1f us; in-process + floor = %.3f%n", p50Helidon, (p50Local + p50Helidon) / p50Local);
            double p50HandOff = InProcess.p50Micros(handOffAfterRun);
            double designFloor = (p50Local + p50HandOff) / p50Local;
            System.out.printf(Locale.ROOT, "design floor (the Helidon floor plus the hand-off to a platform thread "
                    + "and back that JNI inference requires): p50 %.1f us; in-process + design floor = %.3f; measured "
                    + "overhead / design floor = %.3f%n", p50HandOff, designFloor, (p50Http / p50Local) / designFloor);
            return new OverheadRun(p50Http / p50Local, bound, designFloor);
        }
    }

    /**
     * The interleaved ratio in several JVMs, one after the other, and the medians. Within one JVM the ratio is
     * steady, but between JVMs it moves by about 0.02 on this VM while the floors barely move (most likely each JVM
     * compiles the server's long path a little differently), so one JVM's ratio is a sample, not the answer.
     */
    static void overheadAcrossForks(int forks, int samples) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadHarness.class.getName(), ONE_FORK,
                               "--samples", Integer.toString(samples)));
        List<OverheadRun> runs = new ArrayList<>();
        for (int fork = 1; fork <= forks; fork++) {
            System.out.println("-- overhead, JVM " + fork + " of " + forks);
            // Its log goes where this JVM's goes, so that a JVM that fails says why.
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String printed = line;
                    OverheadRun.parse(line).ifPresentOrElse(runs::add, () -> System.out.println(printed));
                }
            }
            if (child.waitFor() != 0) {
                throw new IllegalStateException("overhead JVM " + fork + " exited with " + child.exitValue());
            }
        }
        double median = median(runs.stream().mapToDouble(OverheadRun::ratio).toArray());
        System.out.printf(Locale.ROOT, "overhead, interleaved, median of %d JVMs: %.3f (target <= 1.10; each JVM: %s); "
                + "bound %.3f; design floor %.3f; measured overhead / design floor %.3f%n", runs.size(), median,
                          runs.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.ratio())).toList(),
                          median(runs.stream().mapToDouble(OverheadRun::bound).toArray()),
                          median(runs.stream().mapToDouble(OverheadRun::designFloor).toArray()),
                          median(runs.stream().mapToDouble(r -> r.ratio() / r.designFloor()).toArray()));
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /**
     * One JVM's interleaved ratio and two of its references, each as (in-process + reference) ÷ in-process.
     * Passed from a forked JVM to the harness as one line of its output.
     */
    record OverheadRun(double ratio, double bound, double designFloor) {
        private static final String PREFIX = "overhead-run ";

        String line() {
            return PREFIX + ratio + " " + bound + " " + designFloor;
        }

        static Optional<OverheadRun> parse(String line) {
            if (!line.startsWith(PREFIX)) {
                return Optional.empty();
            }
            String[] v = line.substring(PREFIX.length()).split(" ");
            return Optional.of(new OverheadRun(Double.parseDouble(v[0]), Double.parseDouble(v[1]),
                                               Double.parseDouble(v[2])));
        }
    }

    /**
     * The interleaved ratio on the listener callers really use: mTLS, a caller that an L7 intention allows, one
     * kept-alive connection (its handshake done before the loop). The difference from the plain ratio is the record
     * encryption both ways and the per-request authorization.
     */
    static void mtlsOverhead(int samples) throws Exception {
        Path state = Files.createTempDirectory("meshinfer-mtls-overhead");
        Files.writeString(state.resolve("intentions.json"), """
                {"Kind": "service-intentions", "Name": "inference", "Sources": [{"Name": "web", "Permissions": [
                  {"Action": "allow", "HTTP": {"PathExact": "/embed", "Methods": ["POST"]}}]}]}
                """);
        try (MeshinferServer server = InProcess.mtlsServer("--state-dir", state.toString());
             RawHttpClient client = new RawHttpClient(InProcess.dial(
                     InProcess.caller(StateDirectory.open(state).ca(), "web"), server.port()))) {
            InProcess direct = new InProcess(server.models().defaultModel());
            long[] local = new long[samples];
            long[] https = new long[samples];
            for (int i = 0; i < 3_000; i++) {
                timedExchange(client, EmbedOverheadBench.REQUEST);
            }
            for (int i = -samples / 2; i < samples; i++) {
                long localNanos = timedRun(direct);
                long httpsNanos = timedExchange(client, EmbedOverheadBench.REQUEST);
                if (i >= 0) {
                    local[i] = localNanos;
                    https[i] = httpsNanos;
                }
            }
            double p50Local = InProcess.p50Micros(local);
            double p50Https = InProcess.p50Micros(https);
            System.out.printf(Locale.ROOT, "overhead over mTLS, interleaved (%d pairs, caller allowed by an L7 "
                    + "intention): p50 %.1f us / p50 in-process %.1f us = %.3f%n", samples, p50Https, p50Local,
                              p50Https / p50Local);
        }
    }

    /** Nanoseconds of one in-process tokenize + run of the bench sentence. */
    private static long timedRun(InProcess direct) throws OrtException {
        long start = System.nanoTime();
        direct.run(EmbedOverheadBench.SENTENCE);
        return System.nanoTime() - start;
    }

    /** Nanoseconds of one exchange made right after an (untimed) in-process graph run. */
    private static long timedExchangeAfterRun(InProcess direct, RawHttpClient client, byte[] request)
            throws IOException, OrtException {
        direct.run(EmbedOverheadBench.SENTENCE);
        return timedExchange(client, request);
    }

    /** Nanoseconds of one exchange, which must be answered with 200. */
    private static long timedExchange(RawHttpClient client, byte[] request) throws IOException {
        long start = System.nanoTime();
        int status = client.exchange(request);
        long nanos = System.nanoTime() - start;
        if (status != 200) {
            throw new IllegalStateException("the server answered " + status);
        }
        return nanos;
    }

    static void batching(int seconds, int clients) throws Exception {
        double off = throughput(List.of("--max-batch-requests", "1"), seconds, clients);
        double on = throughput(List.of("--max-batch-requests", "64"), seconds, clients);
        double[] bound = rawBound(seconds);
        System.out.printf(Locale.ROOT, "batching: %d clients, %.0f req/s batched / %.0f req/s unbatched = %.2f "
                + "(target >= 2.0)%n", clients, on, off, on / off);
        System.out.printf(Locale.ROOT, "raw ORT bound: %.0f sentences/s at batch 32 / %.0f at batch 1 = %.2f; "
                + "server gain / bound = %.2f%n", bound[1], bound[0], bound[1] / bound[0],
                          (on / off) / (bound[1] / bound[0]));
    }

    private static double throughput(List<String> flags, int seconds, int clients) throws Exception {
        List<String> args = new ArrayList<>(List.of("--max-concurrent-requests", "4096"));
        args.addAll(flags);
        try (MeshinferServer server = InProcess.server(args.toArray(String[]::new))) {
            run(server.port(), clients, Math.max(2, seconds / 3));
            long count = run(server.port(), clients, seconds);
            return count / (double) seconds;
        }
    }

    /** {@code clients} connections, each sending one sentence after another, for {@code seconds}. */
    private static long run(int port, int clients, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            threads.add(Thread.ofVirtual().start(() -> {
                try (RawHttpClient client = new RawHttpClient(port)) {
                    int i = id;
                    while (!stop.get()) {
                        String text = SENTENCES.get(i++ % SENTENCES.size());
                        if (client.exchange(RawHttpClient.post("/embed", "{\"inputs\": \"" + text + "\"}")) == 200) {
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }));
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long count = done.get();
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " failed requests)");
        }
        return count;
    }

    /** Sentences per second straight through the graph at batch 1 and at batch 32. */
    private static double[] rawBound(int seconds) throws Exception {
        try (MeshinferServer server = InProcess.server()) {
            Model model = server.models().defaultModel();
            List<Encoding> encodings = SENTENCES.stream()
                    .map(s -> model.tokenizer().encodeIds(s, false, TruncationDirection.RIGHT)).toList();
            InputBuffers buffers = new InputBuffers(model.description().maxLength() * 32);
            double[] rates = new double[2];
            int[] sizes = {1, 32};
            for (int k = 0; k < 2; k++) {
                int size = sizes[k];
                int longest = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(3, seconds / 2));
                long sentences = 0;
                long start = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    int length = size == 1 ? encodings.get((int) (sentences % encodings.size())).length() : longest;
                    buffers.reset(size, length);
                    for (int row = 0; row < size; row++) {
                        Encoding e = size == 1 ? encodings.get((int) (sentences % encodings.size()))
                                : encodings.get(row % encodings.size());
                        buffers.putRow(row, e.ids(), e.typeIds());
                    }
                    model.session().run(buffers, model.description().inputs(), model.description().output());
                    sentences += size;
                }
                rates[k] = sentences / ((System.nanoTime() - start) / 1e9);
            }
            return rates;
        }
    }

    /**
     * Start-to-ready of the packaged server in its default mode (mTLS, embedded CA) and with plain HTTP, each
     * restarted as the launcher restarts it; and the plain server's RSS against a bare session's.
     */
    static void startupAndMemory(Path jar) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The launcher's JVM options, for both processes.
        List<String> jvm = List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms32m",
                                   "-Xmx1g", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20");
        int port = 18080;
        int admin = 19090;
        List<String> listeners = List.of("--port", Integer.toString(port), "--admin-port", Integer.toString(admin),
                                         "--log-level", "warning");
        // The default mode's first start also creates the embedded CA and the intentions file, as a user's does.
        Path scratch = Files.createTempDirectory("meshinfer-start");
        try {
            Started mtls = startRestarted(jvm, jar, admin, scratch.resolve("mtls"),
                                          concat(listeners, List.of("--state-dir", scratch.resolve("state").toString())));
            stop(mtls.process());
            // Plain HTTP: the harness's client speaks HTTP, for the memory after some requests.
            Started plain = startRestarted(jvm, jar, admin, scratch.resolve("plain"),
                                           concat(listeners, List.of("--plaintext")));
            try {
                try (RawHttpClient client = new RawHttpClient(port)) {
                    for (int i = 0; i < 200; i++) {
                        client.exchange(RawHttpClient.post("/embed",
                                                           "{\"inputs\": \"" + SENTENCES.get(i % 8) + "\"}"));
                    }
                }
                long serverRss = rssKb(plain.process().pid());
                long bareRss = bareSessionRss(jvm);
                System.out.printf(Locale.ROOT, "start to ready, model, CA and class archive cached: mTLS (default) "
                                  + "%.2f s, plain HTTP %.2f s (target <= 3 s)%n", mtls.readyNanos() / 1e9,
                                  plain.readyNanos() / 1e9);
                System.out.printf(Locale.ROOT, "RSS: server %d MiB / bare ORT session %d MiB = %.2f (target <= 1.5)%n",
                                  serverRss / 1024, bareRss / 1024, serverRss / (double) bareRss);
            } finally {
                stop(plain.process());
            }
        } finally {
            // The state directory holds a CA key.
            deleteTree(scratch);
        }
    }

    private record Started(Process process, long readyNanos) {
    }

    /**
     * Starts {@code serve} as the launcher does, with a class archive (in {@code dir}) that a first start writes when
     * it stops; returns the second start, ready.
     */
    private static Started startRestarted(List<String> jvm, Path jar, int admin, Path dir, List<String> flags)
            throws Exception {
        Path archive = Files.createDirectories(dir).resolve("serve.jsa");
        List<String> serve = concat(jvm, List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive,
                                                 "-jar", jar.toString(), "serve"));
        serve = concat(serve, flags);
        Process first = new ProcessBuilder(serve).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            untilReady(first, admin, System.nanoTime());
        } finally {
            stop(first);
        }
        long start = System.nanoTime();
        Process server = new ProcessBuilder(serve).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return new Started(server, untilReady(server, admin, start));
        } catch (Exception | Error e) {
            stop(server);
            throw e;
        }
    }

    /** Stops a server, forcibly when it has not stopped after 30 s, so that its ports are free for the next. */
    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Nanoseconds from {@code start} until {@code server}'s admin listener answers {@code /ready} with 200.
     *
     * @throws IllegalStateException when the server exits first, or is not ready within a minute
     */
    private static long untilReady(Process server, int admin, long start) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).build();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + " before it was "
                                                        + "ready");
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.nanoTime() - start;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("the server was not ready within a minute");
    }

    private static long bareSessionRss(List<String> jvm) throws Exception {
        Path model = BuiltinModels.directory(BuiltinModels.DEFAULT, ServerConfig.defaults().cacheDir())
                .resolve("model.onnx");
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareSession.class.getName(),
                               model.toString()));
        Process bare = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(bare.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready")) {
                // skip start-up logging
            }
            return rssKb(bare.pid());
        } finally {
            bare.destroy();
            bare.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
