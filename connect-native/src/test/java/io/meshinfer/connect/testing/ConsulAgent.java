package io.meshinfer.connect.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshinfer.connect.consul.ConsulClient;
import io.meshinfer.connect.consul.ConsulSettings;

/**
 * A real {@code consul agent -dev} (Consul 1.16.3) on free loopback ports with its own data directory, for tests
 * that need the agent's actual behaviour.
 *
 * <p>The binary comes from {@code MESHINFER_CONSUL_BIN}, else from {@code scripts/consul/build-consul.sh}, which
 * builds and caches it the first time (several minutes; it says so on stderr). The agent's log goes to
 * {@code target/consul/<node>.log}. The fixture's own admin calls use the JDK HTTP client, never the code under
 * test. {@link #close()} kills the agent and deletes its directory.
 *
 * <p>Not thread-safe: one test class drives an agent.
 */
public final class ConsulAgent implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final AtomicInteger NODES = new AtomicInteger();
    private static Path binary;

    private final String node;
    private final Optional<String> managementToken;
    private final Optional<Https> https;
    private final Path dir;
    private final Path log;
    private final List<String> command;
    private final int httpPort;
    private final int httpsPort;
    private final HttpClient admin = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread killOnExit;
    private Process process;

    /** PEM files for the agent's HTTPS listener, which requires client certificates signed by {@code caFile}. */
    public record Https(Path caFile, Path certFile, Path keyFile) {
    }

    private ConsulAgent(boolean acl, Optional<Https> https) throws IOException {
        this.node = "meshinfer-test-" + ProcessHandle.current().pid() + "-" + NODES.incrementAndGet();
        this.managementToken = acl ? Optional.of(UUID.randomUUID().toString()) : Optional.empty();
        this.https = https;
        this.dir = Files.createTempDirectory("meshinfer-consul-");
        this.log = Path.of("target", "consul", node + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        List<Integer> ports = freePorts(7);
        this.httpPort = ports.get(0);
        this.httpsPort = https.isPresent() ? ports.get(6) : -1;
        Path config = dir.resolve("meshinfer.json");
        Files.writeString(config, JSON.writeValueAsString(config()));
        this.command = List.of(binary().toString(), "agent", "-dev", "-node", node,
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-advertise", "127.0.0.1",
                "-advertise-wan", "127.0.0.1", "-http-port", Integer.toString(httpPort),
                "-https-port", Integer.toString(httpsPort), "-grpc-port", ports.get(1).toString(),
                "-grpc-tls-port", "-1", "-dns-port", ports.get(2).toString(),
                "-serf-lan-port", ports.get(3).toString(), "-serf-wan-port", ports.get(4).toString(),
                "-server-port", ports.get(5).toString(), "-data-dir", dir.resolve("data").toString(),
                "-config-file", config.toString());
        this.killOnExit = new Thread(this::kill, "kill " + node);
    }

    /** A plain dev agent: no ACLs, so the default intention policy is allow. */
    public static ConsulAgent start() {
        return start(false, Optional.empty());
    }

    /** A dev agent with ACLs enabled, default policy deny, and a random {@link #managementToken()}. */
    public static ConsulAgent startAclDefaultDeny() {
        return start(true, Optional.empty());
    }

    /** A plain dev agent that also serves HTTPS, see {@link #httpsAddress()}. */
    public static ConsulAgent startWithHttps(Https files) {
        return start(false, Optional.of(files));
    }

    // A port found free can be taken before the agent binds it (another process's outgoing connection draws from
    // the same range), so a start that fails on a taken port is tried again on fresh ports.
    private static ConsulAgent start(boolean acl, Optional<Https> https) {
        for (int attempt = 1; ; attempt++) {
            ConsulAgent agent = newAgent(acl, https);
            Runtime.getRuntime().addShutdownHook(agent.killOnExit);
            try {
                agent.launch();
                return agent;
            } catch (PortTaken e) {
                agent.close();
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            } catch (RuntimeException e) {
                agent.close();
                throw e;
            }
        }
    }

    private static ConsulAgent newAgent(boolean acl, Optional<Https> https) {
        try {
            return new ConsulAgent(acl, https);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:<port>} of the HTTP API, as {@code CONSUL_HTTP_ADDR} takes it. */
    public String httpAddress() {
        return "127.0.0.1:" + httpPort;
    }

    /** {@code https://127.0.0.1:<port>} of the HTTPS API. */
    public String httpsAddress() {
        if (https.isEmpty()) {
            throw new IllegalStateException("this agent was started without HTTPS");
        }
        return "https://127.0.0.1:" + httpsPort;
    }

    /** The initial management token; empty when ACLs are off. */
    public Optional<String> managementToken() {
        return managementToken;
    }

    /** Settings for an anonymous client of the HTTP API (no token). */
    public Map<String, String> settings() {
        return Map.of("CONSUL_HTTP_ADDR", "http://" + httpAddress());
    }

    /** A new client of the HTTP API, carrying the management token when ACLs are on; the caller closes it. */
    public ConsulClient client() {
        Map<String, String> values = new LinkedHashMap<>(settings());
        managementToken.ifPresent(token -> values.put("CONSUL_HTTP_TOKEN", token));
        return ConsulClient.create(ConsulSettings.from(values));
    }

    /** Where the agent's output goes. */
    public Path logFile() {
        return log;
    }

    /** The Connect CA's trust domain. */
    public String trustDomain() {
        return call("GET", "/v1/agent/connect/ca/roots", null).path("TrustDomain").asText();
    }

    /** Writes a config entry given as JSON, such as a service-intentions entry. */
    public void writeConfigEntry(String json) {
        try {
            call("PUT", "/v1/config", JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON config entry: " + json, e);
        }
    }

    /** Sets a service's protocol, which must be {@code http} before L7 intentions can name it. */
    public void serviceDefaults(String service, String protocol) {
        call("PUT", "/v1/config", JSON.createObjectNode().put("Kind", "service-defaults").put("Name", service)
                .put("Protocol", protocol));
    }

    /** Creates or replaces the L4 intention from {@code source} to {@code destination}. */
    public void upsertIntention(String source, String destination, String action) {
        call("PUT", intention(source, destination), JSON.createObjectNode().put("Action", action));
    }

    public void deleteIntention(String source, String destination) {
        call("DELETE", intention(source, destination), null);
    }

    /**
     * Rotates the Connect CA to a fresh P-256 key and waits until the agent reports the new active root.
     *
     * @return the new active root's ID
     */
    public String rotateCa() {
        String before = activeRootId();
        ObjectNode configuration = JSON.createObjectNode().put("Provider", "consul");
        configuration.putObject("Config").put("PrivateKey", newPrivateKeyPem());
        call("PUT", "/v1/connect/ca/configuration", configuration);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String now = activeRootId();
            if (!now.equals(before)) {
                return now;
            }
            sleep(50);
        }
        throw new IllegalStateException("the CA rotation did not reach the agent; see " + log);
    }

    /** The agent's own answer to "may {@code source} connect to {@code target}?". */
    public Authorization authorize(String source, String target) {
        ObjectNode request = JSON.createObjectNode().put("Target", target)
                .put("ClientCertURI", "spiffe://" + trustDomain() + "/ns/default/dc/dc1/svc/" + source);
        JsonNode answer = call("POST", "/v1/agent/connect/authorize", request);
        return new Authorization(answer.path("Authorized").asBoolean(), answer.path("Reason").asText());
    }

    /** The agent's authorization answer. */
    public record Authorization(boolean authorized, String reason) {
    }

    /** The leaf certificate JSON for any service name (CertPEM, PrivateKeyPEM, ...). */
    public JsonNode leaf(String service) {
        return call("GET", "/v1/agent/connect/ca/leaf/" + service, null);
    }

    /** Stops the agent gracefully (SIGTERM), keeping its ports and directory for {@link #restart()}. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + node, e);
        }
        process = null;
    }

    /** Starts the agent again on the same ports and directory. A dev agent keeps no state: it starts afresh. */
    public void restart() {
        stop();
        launch();
    }

    /** Kills the agent and deletes its directory; the log file stays. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // The hook runs anyway; nothing to undo.
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "ConsulAgent[" + node + " at " + httpAddress() + "]";
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private void launch() {
        try {
            Files.writeString(log, "---- " + String.join(" ", command) + System.lineSeparator(),
                              StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                              StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String exited = "consul agent exited with " + process.exitValue() + "; see " + log;
                throw lastRunSays("address already in use") ? new PortTaken(exited) : new IllegalStateException(exited);
            }
            if (ready()) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("consul agent not ready within " + READY_TIMEOUT + "; see " + log);
    }

    // The log holds every run of this node; the last one starts at the last command line written.
    private boolean lastRunSays(String text) {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(all.lastIndexOf("---- ")).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** The agent could not bind one of its ports. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    // A leader is elected and the Connect CA has its first root, so leaves can be signed.
    private boolean ready() {
        try {
            HttpResponse<String> leader = admin.send(request("GET", "/v1/status/leader", null),
                                                     HttpResponse.BodyHandlers.ofString());
            if (leader.statusCode() != 200 || JSON.readTree(leader.body()).asText().isEmpty()) {
                return false;
            }
            HttpResponse<String> roots = admin.send(request("GET", "/v1/agent/connect/ca/roots", null),
                                                    HttpResponse.BodyHandlers.ofString());
            return roots.statusCode() == 200 && !JSON.readTree(roots.body()).path("Roots").isEmpty();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + node, e);
        }
    }

    private String activeRootId() {
        return call("GET", "/v1/agent/connect/ca/roots", null).path("ActiveRootID").asText();
    }

    private static String intention(String source, String destination) {
        return "/v1/connect/intentions/exact?source=" + URLEncoder.encode(source, StandardCharsets.UTF_8)
                + "&destination=" + URLEncoder.encode(destination, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        try {
            HttpResponse<String> response = admin.send(request(method, path, body),
                                                       HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + path, e);
        }
    }

    private HttpRequest request(String method, String path, JsonNode body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + httpAddress() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        managementToken.ifPresent(token -> builder.header("X-Consul-Token", token));
        return builder.build();
    }

    private ObjectNode config() {
        ObjectNode config = JSON.createObjectNode();
        managementToken.ifPresent(token -> {
            ObjectNode acl = config.putObject("acl").put("enabled", true).put("default_policy", "deny");
            // The agent token too, so the agent can register its own node instead of logging denials.
            acl.putObject("tokens").put("initial_management", token).put("agent", token);
        });
        https.ifPresent(files -> config.putObject("tls").putObject("https")
                .put("ca_file", files.caFile().toString())
                .put("cert_file", files.certFile().toString())
                .put("key_file", files.keyFile().toString())
                .put("verify_incoming", true));
        return config;
    }

    private static String newPrivateKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    // All held open at once so that they are distinct; the agent binds them a moment later.
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static synchronized Path binary() {
        if (binary == null) {
            binary = Optional.ofNullable(System.getenv("MESHINFER_CONSUL_BIN")).filter(v -> !v.isBlank())
                    .map(Path::of).orElseGet(ConsulAgent::buildOrFindCached);
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("no executable Consul binary at " + binary);
            }
        }
        return binary;
    }

    private static Path buildOrFindCached() {
        Path script = repositoryRoot().resolve("scripts/consul/build-consul.sh");
        try {
            Process build = new ProcessBuilder("bash", script.toString()).start();
            Thread.ofVirtual().start(() -> forwardBuildProgress(build));
            List<String> out;
            try (BufferedReader reader = build.inputReader(StandardCharsets.UTF_8)) {
                out = reader.lines().filter(line -> !line.isBlank()).toList();
            }
            if (build.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException(script + " failed with exit code " + build.exitValue()
                        + " (its messages are on stderr)");
            }
            return Path.of(out.getLast().strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    // The script is silent on stderr when the binary is cached; anything there means it is building (or failed).
    private static void forwardBuildProgress(Process build) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(build.getErrorStream(),
                                                                              StandardCharsets.UTF_8))) {
            boolean first = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (first) {
                    System.err.println("ConsulAgent: building Consul 1.16.3 with scripts/consul/build-consul.sh "
                            + "(about 7 minutes, once; then cached)");
                    first = false;
                }
                System.err.println("ConsulAgent: " + line);
            }
        } catch (IOException e) {
            System.err.println("ConsulAgent: lost the build's progress output: " + e.getMessage());
        }
    }

    // The checkout's root: the nearest directory with .ci, else the outermost of the nested pom.xml directories.
    private static Path repositoryRoot() {
        Path outermostPom = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".ci"))) {
                return dir;
            }
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                outermostPom = dir;
            } else if (outermostPom != null) {
                break;
            }
        }
        if (outermostPom == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath()
                    + "; set MESHINFER_CONSUL_BIN to a Consul 1.16.3 binary");
        }
        return outermostPom;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
