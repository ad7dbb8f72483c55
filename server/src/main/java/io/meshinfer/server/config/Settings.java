package io.meshinfer.server.config;

import java.util.List;
import java.util.Optional;

import io.meshinfer.models.Pooling;
import io.meshinfer.models.runtime.Device;

import static io.meshinfer.server.config.Validators.any;
import static io.meshinfer.server.config.Validators.bool;
import static io.meshinfer.server.config.Validators.integer;
import static io.meshinfer.server.config.Validators.nonEmpty;
import static io.meshinfer.server.config.Validators.oneOf;
import static io.meshinfer.server.config.Validators.perModel;
import static io.meshinfer.server.config.Validators.port;
import static io.meshinfer.server.config.Validators.serviceName;

/** Every setting of {@code meshinfer serve}: the single source for parsing, {@code --help} and the README table. */
public final class Settings {
    public static final Setting CONFIG = new Setting(
            "config", "", "FILE", "YAML file with any of these settings (keys as the flag names)", false, nonEmpty());
    public static final Setting HOST = new Setting(
            "host", "127.0.0.1", "ADDR", "service listener bind address", false, nonEmpty());
    public static final Setting PORT = new Setting(
            "port", "8080", "N", "service listener port (0 picks a free one)", false, port());
    public static final Setting ADMIN_HOST = new Setting(
            "admin-host", "127.0.0.1", "ADDR", "admin listener (/health, /ready, /metrics) bind address", false,
            nonEmpty());
    public static final Setting ADMIN_PORT = new Setting(
            "admin-port", "9090", "N", "admin listener port (0 picks a free one)", false, port());
    public static final Setting ALLOW_PLAINTEXT_PUBLIC = new Setting(
            "allow-plaintext-public", "false", "", "allow the plain-HTTP listeners to bind a non-loopback address",
            false, bool());
    public static final Setting ALLOW_PUBLIC_ADMIN = new Setting(
            "allow-public-admin", "false", "", "allow the admin listener alone to bind a non-loopback address "
                    + "(probes and scrapers from other hosts)", false, bool());
    public static final Setting PLAINTEXT = new Setting(
            "plaintext", "false", "", "serve plain HTTP instead of mTLS, with no identity checks (loopback only; for "
            + "local benchmarks and development)", false, bool());
    public static final Setting ALLOW_TLS12 = new Setting(
            "allow-tls12", "false", "", "accept TLS 1.2 (ECDHE + AEAD suites only) besides TLS 1.3", false, bool());
    public static final Setting SERVICE = new Setting(
            "service", "inference", "NAME", "logical service name: our SPIFFE ID, intentions and registration",
            false, serviceName());
    public static final Setting SERVICE_ID = new Setting(
            "service-id", "", "ID", "Consul service instance ID (default: NAME-HOST-PORT)", false, any());
    public static final Setting ADVERTISE_ADDRESS = new Setting(
            "advertise-address", "", "ADDR", "address registered in Consul (default: the bind address, or this "
            + "host's address when binding all interfaces)", false, any());
    public static final Setting STATE_DIR = new Setting(
            "state-dir", "", "DIR", "embedded CA, keys and intentions file (default: $XDG_STATE_HOME/meshinfer or "
            + "~/.local/state/meshinfer)", false, any());
    public static final Setting INTENTIONS_FILE = new Setting(
            "intentions-file", "", "FILE", "embedded mode: service-intentions config entries to enforce (default: "
            + "STATE_DIR/intentions.json, created on first start)", false, any());
    public static final Setting CONSUL_HTTP_ADDR = consul("http-addr", "ADDR",
            "Consul agent address (host:port or URL); setting it turns Consul mode on");
    public static final Setting CONSUL_HTTP_TOKEN = consul("http-token", "TOKEN", "ACL token sent to the agent");
    public static final Setting CONSUL_HTTP_TOKEN_FILE = consul("http-token-file", "FILE", "file holding the ACL token");
    public static final Setting CONSUL_HTTP_SSL = consul("http-ssl", "BOOL", "talk HTTPS to the agent");
    public static final Setting CONSUL_HTTP_SSL_VERIFY = consul("http-ssl-verify", "BOOL",
            "verify the agent's certificate (default true)");
    public static final Setting CONSUL_CACERT = consul("cacert", "FILE", "CA file for the agent's HTTPS certificate");
    public static final Setting CONSUL_CAPATH = consul("capath", "DIR", "directory of CA files for the agent");
    public static final Setting CONSUL_CLIENT_CERT = consul("client-cert", "FILE", "client certificate for the agent");
    public static final Setting CONSUL_CLIENT_KEY = consul("client-key", "FILE", "client key for the agent");
    public static final Setting CONSUL_TLS_SERVER_NAME = consul("tls-server-name", "NAME",
            "server name expected in the agent's certificate");
    public static final Setting CONSUL_NAMESPACE = consul("namespace", "NS", "Consul namespace (Enterprise)");
    public static final Setting CONSUL_PARTITION = consul("partition", "NAME", "Consul admin partition (Enterprise)");
    public static final Setting MODEL = new Setting(
            "model", "builtin:all-MiniLM-L6-v2", "NAME=DIR",
            "model to serve (repeatable); DIR is a model directory or builtin:NAME", true, nonEmpty());
    public static final Setting DEFAULT_MODEL = new Setting(
            "default-model", "", "NAME", "model served on the un-prefixed routes (default: the first)", false,
            any());
    public static final Setting ONNX_VARIANT = new Setting(
            "onnx-variant", "", "[MODEL=]NAME", "ONNX file to load: model_NAME.onnx (e.g. quantized, O4) or a file "
            + "name; for every model, or for MODEL only (repeatable)", true, perModel(nonEmpty()));
    public static final Setting POOLING = new Setting(
            "pooling", "", "[MODEL=]MODE", "override embedding pooling: mean, cls, max, last_token; for every model, "
            + "or for MODEL only (repeatable)", true, perModel(raw -> Pooling.parse(raw).label()));
    public static final Setting DEVICE = new Setting(
            "device", "cpu", "DEVICE", "cpu, cuda or cuda:N (needs the gpu build)", false,
            raw -> Device.parse(raw).toString());
    public static final Setting ALLOW_CPU_FALLBACK = new Setting(
            "allow-cpu-fallback", "false", "", "run on the CPU when the requested GPU cannot be used", false, bool());
    public static final Setting INTRA_OP_THREADS = new Setting(
            "intra-op-threads", "0", "N", "ONNX Runtime threads per operator (0: one per core)", false,
            integer(0, 1024));
    public static final Setting ALLOW_SPINNING = new Setting(
            "allow-spinning", "false", "", "let idle ONNX Runtime threads spin (lower latency, busy CPU)", false,
            bool());
    public static final Setting MAX_BATCH_TOKENS = new Setting(
            "max-batch-tokens", "16384", "N", "most padded tokens in one batch", false, integer(1, 1 << 24));
    public static final Setting MAX_BATCH_REQUESTS = new Setting(
            "max-batch-requests", "64", "N", "most inputs in one batch (1 turns batching off)", false,
            integer(1, 1 << 16));
    public static final Setting MAX_BATCH_DELAY = new Setting(
            "max-batch-delay", "0", "MICROS", "how long a batch may wait for more inputs, in microseconds", false,
            integer(0, 10_000_000));
    public static final Setting MAX_CONCURRENT_REQUESTS = new Setting(
            "max-concurrent-requests", "512", "N", "requests in progress per model before answering 429", false,
            integer(1, 1 << 20));
    public static final Setting MAX_CLIENT_BATCH_SIZE = new Setting(
            "max-client-batch-size", "32", "N", "most inputs in one request (more: 413)", false, integer(1, 1 << 16));
    public static final Setting AUTO_TRUNCATE = new Setting(
            "auto-truncate", "true", "", "truncate over-long inputs when a request does not say (TEI's default)",
            false, bool());
    public static final Setting PAYLOAD_LIMIT = new Setting(
            "payload-limit", "2000000", "BYTES", "largest request body (more: 413)", false,
            integer(1024, 1L << 30));
    public static final Setting CACHE_DIR = new Setting(
            "cache-dir", "", "DIR", "where built-in models and ONNX Runtime's libraries are unpacked (yours alone: "
            + "default $XDG_CACHE_HOME/meshinfer or ~/.cache/meshinfer)", false, any());
    public static final Setting LOG_LEVEL = new Setting(
            "log-level", "info", "LEVEL", "error, warning, info, debug or trace", false,
            oneOf("error", "warning", "info", "debug", "trace"));

    /** All settings, in help order. */
    public static final List<Setting> ALL = List.of(
            CONFIG, HOST, PORT, ADMIN_HOST, ADMIN_PORT, ALLOW_PLAINTEXT_PUBLIC, ALLOW_PUBLIC_ADMIN, PLAINTEXT,
            ALLOW_TLS12, SERVICE, SERVICE_ID, ADVERTISE_ADDRESS, STATE_DIR, INTENTIONS_FILE, CONSUL_HTTP_ADDR,
            CONSUL_HTTP_TOKEN, CONSUL_HTTP_TOKEN_FILE, CONSUL_HTTP_SSL, CONSUL_HTTP_SSL_VERIFY, CONSUL_CACERT,
            CONSUL_CAPATH, CONSUL_CLIENT_CERT, CONSUL_CLIENT_KEY, CONSUL_TLS_SERVER_NAME, CONSUL_NAMESPACE,
            CONSUL_PARTITION, MODEL, DEFAULT_MODEL, ONNX_VARIANT, POOLING, DEVICE, ALLOW_CPU_FALLBACK, INTRA_OP_THREADS,
            ALLOW_SPINNING, MAX_BATCH_TOKENS, MAX_BATCH_REQUESTS, MAX_BATCH_DELAY, MAX_CONCURRENT_REQUESTS,
            MAX_CLIENT_BATCH_SIZE, AUTO_TRUNCATE, PAYLOAD_LIMIT, CACHE_DIR, LOG_LEVEL);

    private Settings() {
    }

    /** Consul's client settings keep Consul's own variable names ({@code CONSUL_HTTP_ADDR}, ...). */
    public static List<Setting> consul() {
        return ALL.stream().filter(Setting::isConsul).toList();
    }

    private static Setting consul(String name, String hint, String description) {
        return new Setting("consul-" + name, "", hint, description, false, any());
    }

    /** The setting with this name. */
    public static Optional<Setting> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
