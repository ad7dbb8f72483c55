package io.meshinfer.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code meshinfer serve} as an operator runs it: a JVM of its own for each case, with its exit code and what it
 * prints. A fresh JVM is also the only place where the first ONNX Runtime environment is the server's own, so the
 * pool of threads several models share is exercised here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MainProcessTest {
    private static final Pattern SERVING = Pattern.compile(
            "serving http on [^:]+:(\\d+) \\(admin on http://[^:]+:(\\d+)\\)");
    private static final Path MODELS = Path.of(System.getProperty("meshinfer.testdata"), "models");

    @TempDir
    Path temp;

    /**
     * Also ONNX Runtime's telemetry: started without {@code ORT_DISABLE_TELEMETRY} in its environment and with a long
     * command line (on which the telemetry's own start overflowed the main thread's stack), the server must turn it
     * off itself: no crash, no device id under the home directory, no {@code /tmp/mat-debug-PID.log}.
     */
    @Test
    void twoModelsShareOneThreadPoolServeAndStopOnSigterm() throws Exception {
        Path home = Files.createDirectory(temp.resolve("home"));
        Path realTelemetry = Path.of(System.getProperty("user.home"),
                                     ".cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db");
        long before = Files.exists(realTelemetry) ? Files.getLastModifiedTime(realTelemetry).toMillis() : 0;
        ProcessBuilder builder = command(List.of("-Dmeshinfer.test.padding=" + "x".repeat(8_000),
                                                 "-Duser.home=" + home),
                                         "serve", "--plaintext", "--port", "0", "--admin-port", "0",
                                         "--model", "minilm=builtin:all-MiniLM-L6-v2",
                                         "--model", "cls=" + MODELS.resolve("tiny-classifier"));
        builder.environment().remove("ORT_DISABLE_TELEMETRY");
        builder.environment().put("HOME", home.toString());
        builder.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        Process server = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> collect(server, output));
        try {
            Matcher serving = awaitLine(server, output, SERVING);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + serving.group(1);
            assertEquals(200, post(http, base + "/models/minilm/embed", "{\"inputs\": \"hello\"}").statusCode());
            assertEquals(200, post(http, base + "/models/cls/predict", "{\"inputs\": \"great\"}").statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serving.group(2)
                                                                             + "/ready")).build(),
                                        HttpResponse.BodyHandlers.discarding()).statusCode());
        } finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        assertFalse(server.isAlive(), "stopped on SIGTERM");
        reader.join();
        // 128 + 15, as the shell reports a process stopped by SIGTERM.
        assertEquals(143, server.exitValue(), String.join("\n", output));
        assertFalse(output.stream().anyMatch(l -> l.contains("environment already exists")),
                    "the server's ONNX Runtime environment has the shared pool:\n" + String.join("\n", output));
        assertTrue(Files.notExists(home.resolve(".cache/Microsoft")), "no telemetry state under the home");
        assertTrue(!Files.exists(realTelemetry) || Files.getLastModifiedTime(realTelemetry).toMillis() == before,
                   "no telemetry event stored under the user's own home either");
        assertTrue(Files.notExists(Path.of("/tmp/mat-debug-" + server.pid() + ".log")), "no telemetry log");
    }

    /**
     * ONNX Runtime's own shutdown hook releases its environment, and with it the thread pool that models share: a
     * batch that ran after it would crash the JVM. SIGTERM drains first, and only then lets the JVM exit.
     */
    @Test
    void sigtermWithABatchPendingOnASharedPoolAnswersItAndExits143() throws Exception {
        Process server = command(List.of(), "serve", "--plaintext", "--port", "0", "--admin-port", "0",
                                 "--model", "minilm=builtin:all-MiniLM-L6-v2",
                                 "--model", "cls=" + MODELS.resolve("tiny-classifier"),
                                 "--max-batch-delay", "2000000").start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> collect(server, output));
        try {
            Matcher serving = awaitLine(server, output, SERVING);
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(http, "http://127.0.0.1:" + serving.group(1) + "/models/minilm/embed",
                                "{\"inputs\": \"in flight\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The batcher holds the input for its 2 s delay: the signal comes while it waits.
            Thread.sleep(700);
            // SIGTERM through the handle: Process.destroy() would also close the output still to be read.
            server.toHandle().destroy();
            assertEquals(200, pending.get(30, TimeUnit.SECONDS).statusCode());
            assertTrue(server.waitFor(60, TimeUnit.SECONDS));
        } finally {
            server.destroyForcibly();
        }
        reader.join();
        assertEquals(143, server.exitValue(), String.join("\n", output));
        assertTrue(output.stream().anyMatch(l -> l.contains("shutting down: finishing in-flight requests")),
                   String.join("\n", output));
    }

    @Test
    void aTeiFlagStopsWithDirectionsAndExitCode2() throws Exception {
        Process process = start("serve", "--port", "0", "--admin-port", "0", "--model-id", "BAAI/bge-small-en-v1.5");
        List<String> output = finish(process);
        assertEquals(2, process.exitValue());
        assertEquals(List.of("meshinfer: --model-id is TEI's flag, not meshinfer's: serve a model directory with "
                                     + "--model NAME=DIR (or the built-in model with no flag); meshinfer never "
                                     + "fetches from a model hub"), output);
    }

    @Test
    void aStateDirectoryOthersCanReadStopsStartInOneLineWithExitCode1() throws Exception {
        // Set after creation: the umask would mask permissions given at creation.
        Path state = Files.setPosixFilePermissions(Files.createDirectory(temp.resolve("state")),
                                                   PosixFilePermissions.fromString("rwxr-xr-x"));
        Process process = start("serve", "--port", "0", "--admin-port", "0", "--state-dir", state.toString(),
                                "--log-level", "warning");
        List<String> output = finish(process);
        assertEquals(1, process.exitValue(), String.join("\n", output));
        assertEquals(List.of("meshinfer: cannot start: " + state + " is open to other users (rwxr-xr-x); it holds "
                                     + "the CA key: chmod 700 it"), output);
    }

    @Test
    void aPortInUseStopsStartInOneLineNamingTheFlagBeforeTheModelsLoad() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Process process = start("serve", "--plaintext", "--port", Integer.toString(port), "--admin-port", "0",
                                    "--log-level", "warning");
            List<String> output = finish(process);
            assertEquals(1, process.exitValue(), String.join("\n", output));
            assertEquals(List.of("meshinfer: cannot start: cannot listen on 127.0.0.1:" + port + " (--port): "
                                         + "Address already in use"), output);
        }
    }

    @Test
    void certIssueSaysWhenItCreatesTheCaAndFailsInOneLine() throws Exception {
        String state = temp.resolve("state").toString();
        Process first = start("cert", "issue", "--service", "web", "--out", temp.resolve("a").toString(),
                              "--state-dir", state);
        List<String> created = finish(first);
        assertEquals(0, first.exitValue(), String.join("\n", created));
        assertTrue(created.stream().anyMatch(l -> l.contains(state + " held no CA: created one")),
                   String.join("\n", created));
        Process second = start("cert", "issue", "--service", "web", "--out", temp.resolve("b").toString(),
                               "--state-dir", state);
        List<String> reused = finish(second);
        assertEquals(0, second.exitValue());
        assertFalse(reused.stream().anyMatch(l -> l.contains("held no CA")), String.join("\n", reused));
        Path file = Files.writeString(temp.resolve("a-file"), "");
        Process blocked = start("cert", "issue", "--service", "web", "--out", file.resolve("out").toString(),
                                "--state-dir", state);
        List<String> refused = finish(blocked);
        assertEquals(1, blocked.exitValue());
        assertEquals(1, refused.size(), String.join("\n", refused));
        assertTrue(refused.getFirst().startsWith("meshinfer cert: cannot write certificates to "), refused.getFirst());
    }

    private static Process start(String... args) throws IOException {
        return command(List.of(), args).start();
    }

    private static ProcessBuilder command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Settings from the environment running the build must not reach the command under test.
        builder.environment().keySet().removeIf(name -> name.startsWith("MESHINFER_") || name.startsWith("CONSUL_")
                || name.equals("XDG_STATE_HOME"));
        builder.environment().putAll(java.util.Map.of("OPT_OUT_TRACKING", "true", "DJL_OFFLINE", "true"));
        return builder;
    }

    private static void collect(Process process, List<String> output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                             StandardCharsets.UTF_8))) {
            lines.lines().forEach(output::add);
        } catch (IOException | java.io.UncheckedIOException closed) {
            // The process is gone; what it printed is in output.
        }
    }

    /** Waits for a line of the output to match; fails when the process ends first or a minute passes. */
    private static Matcher awaitLine(Process process, List<String> output, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            for (String line : output) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + pattern + " in:\n" + String.join("\n", output));
    }

    /** The output of a command expected to stop by itself; it is killed after a minute. */
    private static List<String> finish(Process process) throws Exception {
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> collect(process, output));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after a minute:\n" + String.join("\n", output));
        }
        reader.join();
        // The JVM's own notices (native access and the like) are not the command's output.
        output.removeIf(l -> l.startsWith("WARNING:") || l.isBlank());
        return output;
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
