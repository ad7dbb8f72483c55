package io.meshinfer.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.meshinfer.models.ModelSource;
import io.meshinfer.models.Pooling;
import io.meshinfer.models.batch.BatchPolicy;
import io.meshinfer.models.runtime.Device;
import io.meshinfer.models.runtime.ExecutionSettings;

/**
 * The resolved, validated configuration of {@code meshinfer serve}.
 *
 * @param host               service listener bind address
 * @param port               service listener port
 * @param adminHost          admin listener bind address
 * @param adminPort          admin listener port
 * @param models             models to serve, in order
 * @param defaultModel       the model on the un-prefixed routes; empty for the first
 * @param execution          ONNX Runtime device and threads
 * @param batch              batching and admission
 * @param maxClientBatchSize most inputs in one request
 * @param autoTruncate       truncate when a request does not say
 * @param payloadLimit       largest request body in bytes
 * @param cacheDir           where built-in models are extracted
 * @param logLevel           log level name
 * @param connect            identity, TLS and intentions (embedded or Consul)
 */
public record ServerConfig(String host,
                           int port,
                           String adminHost,
                           int adminPort,
                           List<ModelSource> models,
                           Optional<String> defaultModel,
                           ExecutionSettings execution,
                           BatchPolicy batch,
                           int maxClientBatchSize,
                           boolean autoTruncate,
                           long payloadLimit,
                           Path cacheDir,
                           String logLevel,
                           ConnectConfig connect) {

    public ServerConfig {
        models = List.copyOf(models);
    }

    /** The configuration with every default: what {@code ./meshinfer serve} runs with no flags. */
    public static ServerConfig defaults() {
        return ConfigLoader.load(List.of(), Map.of());
    }

    static ServerConfig from(Map<Setting, List<String>> values) {
        boolean allowPublic = bool(values, Settings.ALLOW_PLAINTEXT_PUBLIC);
        boolean plaintext = bool(values, Settings.PLAINTEXT);
        String host = one(values, Settings.HOST);
        String adminHost = one(values, Settings.ADMIN_HOST);
        if (plaintext) {
            requireLoopback(Settings.HOST, host, allowPublic, Settings.ALLOW_PLAINTEXT_PUBLIC);
        }
        requireLoopback(Settings.ADMIN_HOST, adminHost, allowPublic || bool(values, Settings.ALLOW_PUBLIC_ADMIN),
                        Settings.ALLOW_PUBLIC_ADMIN);
        int port = integer(values, Settings.PORT);
        int adminPort = integer(values, Settings.ADMIN_PORT);
        if (port != 0 && port == adminPort) {
            throw new SettingException("invalid value '" + adminPort + "' for " + Settings.ADMIN_PORT.name() + ": "
                    + Settings.PORT.name() + " is " + port + " too; the two listeners need a port each");
        }

        List<ModelSource> models = models(values);

        BatchPolicy batch = new BatchPolicy(integer(values, Settings.MAX_BATCH_TOKENS),
                                            integer(values, Settings.MAX_BATCH_REQUESTS),
                                            integer(values, Settings.MAX_BATCH_DELAY),
                                            integer(values, Settings.MAX_CONCURRENT_REQUESTS));
        ExecutionSettings execution = new ExecutionSettings(Device.parse(one(values, Settings.DEVICE)),
                                                            bool(values, Settings.ALLOW_CPU_FALLBACK),
                                                            integer(values, Settings.INTRA_OP_THREADS),
                                                            bool(values, Settings.ALLOW_SPINNING));
        return new ServerConfig(host,
                                port,
                                adminHost,
                                adminPort,
                                models,
                                optional(values, Settings.DEFAULT_MODEL),
                                execution,
                                batch,
                                integer(values, Settings.MAX_CLIENT_BATCH_SIZE),
                                bool(values, Settings.AUTO_TRUNCATE),
                                Long.parseLong(one(values, Settings.PAYLOAD_LIMIT)),
                                optional(values, Settings.CACHE_DIR).map(Path::of).orElseGet(ServerConfig::cacheHome),
                                one(values, Settings.LOG_LEVEL),
                                connect(values, plaintext));
    }

    /** The {@code --model} list, each with its own ONNX variant and pooling override. */
    private static List<ModelSource> models(Map<Setting, List<String>> values) {
        List<ModelSource> parsed = new ArrayList<>();
        for (String spec : values.get(Settings.MODEL)) {
            try {
                parsed.add(ModelSource.parse(spec));
            } catch (IllegalArgumentException e) {
                throw new SettingException("invalid value '" + spec + "' for model: " + e.getMessage());
            }
        }
        List<String> names = parsed.stream().map(ModelSource::name).toList();
        PerModel variants = PerModel.of(Settings.ONNX_VARIANT, values.get(Settings.ONNX_VARIANT), names);
        PerModel poolings = PerModel.of(Settings.POOLING, values.get(Settings.POOLING), names);
        List<ModelSource> models = new ArrayList<>();
        for (ModelSource source : parsed) {
            Optional<String> variant = variants.valueFor(source.name());
            if (source.builtin() && variant.isPresent()) {
                Setting setting = Settings.ONNX_VARIANT;
                throw new SettingException("invalid value '" + variant.get() + "' for " + setting.name() + ": the "
                        + "built-in model " + source.name() + " ships model.onnx only; give the variant to the other "
                        + "models by name (" + setting.flag() + " MODEL=" + variant.get() + ")");
            }
            models.add(new ModelSource(source.name(), source.location(), variant,
                                       poolings.valueFor(source.name()).map(Pooling::parse)));
        }
        return models;
    }

    /**
     * A setting given per model: {@code MODEL=VALUE} for one model, a bare value for every model that has none of
     * its own.
     */
    private record PerModel(Optional<String> forAll, Map<String, String> byModel) {
        static PerModel of(Setting setting, List<String> raw, List<String> modelNames) {
            Optional<String> forAll = Optional.empty();
            Map<String, String> byModel = new LinkedHashMap<>();
            for (String value : raw) {
                int eq = value.indexOf('=');
                if (eq < 0) {
                    if (forAll.isPresent()) {
                        throw new SettingException("invalid value '" + value + "' for " + setting.name() + ": "
                                + "given twice for every model (" + forAll.get() + " and " + value + "); "
                                + "name a model to give it its own: " + setting.flag() + " MODEL=" + value);
                    }
                    forAll = Optional.of(value);
                    continue;
                }
                String model = value.substring(0, eq);
                if (!modelNames.contains(model)) {
                    throw new SettingException("invalid value '" + value + "' for " + setting.name() + ": no model "
                            + "is named " + model + " (models: " + String.join(", ", modelNames) + ")");
                }
                if (byModel.putIfAbsent(model, value.substring(eq + 1)) != null) {
                    throw new SettingException("invalid value '" + value + "' for " + setting.name() + ": given "
                            + "twice for model " + model);
                }
            }
            return new PerModel(forAll, byModel);
        }

        Optional<String> valueFor(String model) {
            return Optional.ofNullable(byModel.get(model)).or(() -> forAll);
        }
    }

    private static ConnectConfig connect(Map<Setting, List<String>> values, boolean plaintext) {
        Path stateDir = optional(values, Settings.STATE_DIR).map(Path::of).orElseGet(ConnectConfig::defaultStateDir);
        Map<String, String> consul = new LinkedHashMap<>();
        for (Setting setting : Settings.consul()) {
            optional(values, setting).ifPresent(value -> consul.put(setting.environmentVariable(), value));
        }
        return new ConnectConfig(plaintext,
                                 bool(values, Settings.ALLOW_TLS12),
                                 one(values, Settings.SERVICE),
                                 optional(values, Settings.SERVICE_ID),
                                 optional(values, Settings.ADVERTISE_ADDRESS),
                                 stateDir,
                                 optional(values, Settings.INTENTIONS_FILE).map(Path::of)
                                         .orElseGet(() -> stateDir.resolve("intentions.json")),
                                 consul);
    }

    private static void requireLoopback(Setting setting, String host, boolean allowPublic, Setting optIn) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new SettingException("invalid value '" + host + "' for " + setting.name() + ": unknown host");
        }
        if (!loopback && !allowPublic) {
            throw new SettingException("invalid value '" + host + "' for " + setting.name() + ": the listener "
                                               + "speaks plain HTTP, so it binds only loopback addresses unless "
                                               + optIn.flag() + " is given");
        }
    }

    private static Path cacheHome() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("meshinfer");
    }

    private static String one(Map<Setting, List<String>> values, Setting setting) {
        return values.get(setting).getFirst();
    }

    private static Optional<String> optional(Map<Setting, List<String>> values, Setting setting) {
        List<String> v = values.get(setting);
        return v.isEmpty() || v.getFirst().isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }

    private static int integer(Map<Setting, List<String>> values, Setting setting) {
        return Math.toIntExact(Long.parseLong(one(values, setting)));
    }

    private static boolean bool(Map<Setting, List<String>> values, Setting setting) {
        return Boolean.parseBoolean(one(values, setting));
    }
}
