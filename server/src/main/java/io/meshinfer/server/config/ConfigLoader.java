package io.meshinfer.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;

/**
 * Resolves every {@link Setting} from, highest precedence first: command-line flags, {@code MESHINFER_*}
 * environment variables, the YAML file named by {@code --config} / {@code MESHINFER_CONFIG}, built-in defaults.
 * A repeatable setting takes all its values from the highest source that sets it.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Resolves the configuration.
     *
     * @param args the {@code serve} arguments
     * @param env  the environment
     * @throws SettingException naming the bad key, its source and the accepted values
     */
    public static ServerConfig load(List<String> args, Map<String, String> env) {
        Map<Setting, List<String>> flags = parseFlags(args);
        Map<Setting, List<String>> fromEnv = fromEnvironment(env);
        String configFile = first(flags, Settings.CONFIG).orElse(first(fromEnv, Settings.CONFIG).orElse(""));
        Map<Setting, List<String>> fromYaml = configFile.isEmpty() ? Map.of() : fromYaml(Path.of(configFile));

        Map<Setting, List<String>> resolved = new LinkedHashMap<>();
        for (Setting setting : Settings.ALL) {
            List<String> values = flags.containsKey(setting) ? flags.get(setting)
                    : fromEnv.containsKey(setting) ? fromEnv.get(setting)
                    : fromYaml.containsKey(setting) ? fromYaml.get(setting)
                    : setting.defaultValue().isEmpty() && setting.repeatable() ? List.of()
                    : List.of(setting.defaultValue());
            resolved.put(setting, values);
        }
        return ServerConfig.from(resolved);
    }

    /**
     * The {@code MESHINFER_} variables in {@code env} that name no setting, sorted: most likely mistyped settings,
     * which would otherwise go unnoticed. The launcher's own {@code MESHINFER_JAVA_OPTS} is not one of them.
     */
    public static List<String> unknownVariables(Map<String, String> env) {
        Set<String> known = new HashSet<>(Set.of("MESHINFER_JAVA_OPTS"));
        Settings.ALL.forEach(setting -> known.add(setting.environmentVariable()));
        return env.keySet().stream().filter(name -> name.startsWith("MESHINFER_") && !known.contains(name))
                .sorted().toList();
    }

    private static Optional<String> first(Map<Setting, List<String>> values, Setting setting) {
        return Optional.ofNullable(values.get(setting)).map(List::getFirst);
    }

    static Map<Setting, List<String>> parseFlags(List<String> args) {
        Map<Setting, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new SettingException(
                        "unexpected argument '" + arg + "'; settings are given as --name value (see --help)");
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            Setting setting = Settings.byName(name).orElseThrow(() -> new SettingException(TeiFlags.instead(name)
                    .map(instead -> "--" + name + " is TEI's flag, not meshinfer's: " + instead)
                    .orElse("unknown flag --" + name + " (see --help for the accepted flags)")));
            String raw;
            if (eq >= 0) {
                raw = arg.substring(eq + 1);
            } else if (setting.isSwitch()) {
                raw = "true";
            } else if (i + 1 < args.size()) {
                raw = args.get(++i);
            } else {
                throw new SettingException(
                        "flag --" + name + " needs a value: --" + name + " " + setting.valueHint());
            }
            String value = validate(setting, raw, "flag --" + name);
            if (!setting.repeatable() && values.containsKey(setting)) {
                throw new SettingException("flag --" + name + " is given twice");
            }
            values.computeIfAbsent(setting, s -> new ArrayList<>()).add(value);
        }
        return values;
    }

    static Map<Setting, List<String>> fromEnvironment(Map<String, String> env) {
        Map<Setting, List<String>> values = new LinkedHashMap<>();
        for (Setting setting : Settings.ALL) {
            String raw = env.get(setting.environmentVariable());
            if (raw == null) {
                continue;
            }
            String source = "environment variable " + setting.environmentVariable();
            List<String> parts = setting.repeatable() ? Arrays.asList(raw.split(",")) : List.of(raw);
            List<String> checked = new ArrayList<>();
            for (String part : parts) {
                checked.add(validate(setting, part, source));
            }
            values.put(setting, checked);
        }
        return values;
    }

    static Map<Setting, List<String>> fromYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SettingException("configuration file not found: " + file);
        }
        Map<Setting, List<String>> values = new LinkedHashMap<>();
        try {
            Config root = Config.just(ConfigSources.file(file));
            for (Config node : root.asNodeList().orElse(List.of())) {
                String source = "key '" + node.name() + "' in " + file;
                Setting setting = Settings.byName(node.name()).orElseThrow(() -> new SettingException(
                        "unknown " + source + TeiFlags.instead(node.name()).map(instead -> " (TEI's flag: " + instead
                                + ")").orElse("; accepted keys are the flag names (see --help)")));
                if (setting == Settings.CONFIG) {
                    throw new SettingException(source + ": a configuration file cannot name another");
                }
                List<String> raw;
                if (node.type() == Config.Type.LIST && setting.repeatable()) {
                    raw = node.asList(String.class).get();
                } else if (node.type() == Config.Type.VALUE) {
                    raw = List.of(node.asString().get());
                } else {
                    throw new SettingException(source + " must be " + (setting.repeatable()
                            ? "a value or a list of values" : "a single value"));
                }
                List<String> checked = new ArrayList<>();
                for (String r : raw) {
                    checked.add(validate(setting, r, source));
                }
                values.put(setting, checked);
            }
        } catch (SettingException e) {
            throw e;
        } catch (ConfigException e) {
            throw new SettingException("cannot read configuration file " + file + ": " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // The YAML parser's own failures: a top level that is not a mapping, an alias that contains itself.
            throw new SettingException("cannot read configuration file " + file + ": it must be a YAML mapping of "
                    + "setting names to values");
        }
        return values;
    }

    private static String validate(Setting setting, String raw, String source) {
        try {
            return setting.validator().apply(raw);
        } catch (IllegalArgumentException e) {
            throw new SettingException(
                    "invalid value '" + raw + "' for " + setting.name() + " (" + source + "): " + e.getMessage());
        }
    }
}
