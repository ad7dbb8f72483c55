package io.meshinfer.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshinfer.models.ModelSource;
import io.meshinfer.models.Pooling;
import io.meshinfer.models.runtime.Device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsServeTheBuiltinModelOnLoopback() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals(9090, c.adminPort());
        assertEquals(List.of("builtin:all-MiniLM-L6-v2"), c.models().stream().map(ModelSource::location).toList());
        assertEquals("all-MiniLM-L6-v2", c.models().getFirst().name());
        assertEquals(Device.CPU, c.execution().device());
        assertEquals(16384, c.batch().maxBatchTokens());
        assertTrue(c.autoTruncate(), "TEI's default");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws IOException {
        Path yaml = dir.resolve("meshinfer.yaml");
        Files.writeString(yaml, "port: 7000\nadmin-port: 7001\nmax-batch-tokens: 4096\n");
        ServerConfig c = ConfigLoader.load(List.of("--config", yaml.toString(), "--port", "6000"),
                                           Map.of("MESHINFER_ADMIN_PORT", "6001", "MESHINFER_PORT", "5000"));
        assertEquals(6000, c.port());
        assertEquals(6001, c.adminPort());
        assertEquals(4096, c.batch().maxBatchTokens());
    }

    @Test
    void theFileCanListModelsAndNameTheDefault() throws IOException {
        Path yaml = dir.resolve("m.yaml");
        Files.writeString(yaml, "model:\n  - a=/models/a\n  - b=builtin:bge-small-en-v1.5\ndefault-model: b\n"
                + "pooling: cls\n");
        ServerConfig c = ConfigLoader.load(List.of("--config", yaml.toString()), Map.of());
        assertEquals(List.of("a", "b"), c.models().stream().map(ModelSource::name).toList());
        assertEquals("b", c.defaultModel().orElseThrow());
        assertEquals(List.of(Optional.of(Pooling.CLS), Optional.of(Pooling.CLS)),
                     c.models().stream().map(ModelSource::pooling).toList(), "a bare value is for every model");
    }

    @Test
    void aVariantOrPoolingNamedForOneModelOverridesTheOneForAll() {
        ServerConfig c = ConfigLoader.load(List.of("--model", "a=/models/a", "--model", "b=/models/b",
                                                   "--model", "c=builtin:bge-small-en-v1.5",
                                                   "--onnx-variant", "a=quantized", "--onnx-variant", "b=O4",
                                                   "--pooling", "mean", "--pooling", "b=cls"), Map.of());
        assertEquals(List.of(Optional.of("quantized"), Optional.of("O4"), Optional.empty()),
                     c.models().stream().map(ModelSource::variant).toList());
        assertEquals(List.of(Optional.of(Pooling.MEAN), Optional.of(Pooling.CLS), Optional.of(Pooling.MEAN)),
                     c.models().stream().map(ModelSource::pooling).toList());
    }

    @Test
    void perModelSettingsComeAsACommaListFromTheEnvironment() {
        ServerConfig c = ConfigLoader.load(List.of("--model", "a=/models/a", "--model", "b=/models/b"),
                                           Map.of("MESHINFER_POOLING", "a=max,b=last_token"));
        assertEquals(List.of(Optional.of(Pooling.MAX), Optional.of(Pooling.LAST_TOKEN)),
                     c.models().stream().map(ModelSource::pooling).toList());
    }

    @Test
    void repeatedModelFlagsAndCommaListsInTheEnvironment() {
        ServerConfig flags = ConfigLoader.load(List.of("--model", "a=/x", "--model=b=/y"), Map.of());
        assertEquals(List.of("a", "b"), flags.models().stream().map(ModelSource::name).toList());
        ServerConfig env = ConfigLoader.load(List.of(), Map.of("MESHINFER_MODEL", "a=/x,/models/c"));
        assertEquals(List.of("a", "c"), env.models().stream().map(ModelSource::name).toList());
    }

    @Test
    void switchesNeedNoValue() {
        ServerConfig c = ConfigLoader.load(List.of("--auto-truncate", "--allow-spinning=false"), Map.of());
        assertTrue(c.autoTruncate());
        assertFalse(c.execution().allowSpinning());
    }

    record Bad(String name, List<String> args, Map<String, String> env, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badConfigurations() {
        return Stream.of(
                new Bad("port not a number", List.of("--port", "http"), Map.of(), "port"),
                new Bad("port out of range", List.of("--port", "70000"), Map.of(), "0 to 65535"),
                new Bad("one port for both listeners", List.of("--port", "9090"), Map.of(),
                        "for admin-port: port is 9090 too; the two listeners need a port each"),
                new Bad("unknown flag", List.of("--prot", "1"), Map.of(), "--prot"),
                new Bad("TEI's model flag", List.of("--model-id", "BAAI/bge-small-en-v1.5"), Map.of(),
                        "--model-id is TEI's flag, not meshinfer's: serve a model directory with --model NAME=DIR"),
                new Bad("TEI's bind flag", List.of("--hostname", "0.0.0.0"), Map.of(), "use --host"),
                new Bad("TEI's metrics port", List.of("--prometheus-port=9000"), Map.of(), "use --admin-port"),
                new Bad("flag without value", List.of("--port"), Map.of(), "needs a value"),
                new Bad("bad boolean in the environment", List.of(), Map.of("MESHINFER_AUTO_TRUNCATE", "maybe"),
                        "MESHINFER_AUTO_TRUNCATE"),
                new Bad("unknown device", List.of("--device", "tpu"), Map.of(), "cpu, cuda, cuda:N"),
                new Bad("unknown pooling", List.of("--pooling", "median"), Map.of(), "mean, cls, max, last_token"),
                new Bad("unknown pooling for one model", List.of("--pooling", "a=median"), Map.of(),
                        "mean, cls, max, last_token"),
                new Bad("pooling for a model not served", List.of("--model", "a=/x", "--pooling", "b=cls"), Map.of(),
                        "no model is named b (models: a)"),
                new Bad("two variants for every model", List.of("--model", "a=/x", "--onnx-variant", "O4",
                                                                "--onnx-variant", "quantized"), Map.of(),
                        "given twice for every model"),
                new Bad("two poolings for one model", List.of("--model", "a=/x", "--pooling", "a=cls",
                                                              "--pooling", "a=mean"), Map.of(),
                        "given twice for model a"),
                new Bad("a variant for the built-in model", List.of("--onnx-variant", "quantized"), Map.of(),
                        "ships model.onnx only"),
                new Bad("an empty variant", List.of("--onnx-variant", ""), Map.of(), "non-empty"),
                new Bad("public plain-HTTP bind without the flag", List.of("--host", "0.0.0.0", "--plaintext"), Map.of(),
                        "--allow-plaintext-public"),
                new Bad("public admin bind without a flag", List.of("--admin-host", "0.0.0.0"), Map.of(),
                        "--allow-public-admin"),
                new Bad("the admin opt-in does not open the plain service listener",
                        List.of("--host", "0.0.0.0", "--admin-host", "0.0.0.0", "--plaintext"),
                        Map.of("MESHINFER_ALLOW_PUBLIC_ADMIN", "true"), "--allow-plaintext-public"),
                new Bad("bad model name", List.of("--model", "a b=/x"), Map.of(), "invalid model name"),
                new Bad("missing config file", List.of("--config", "/nonexistent.yaml"), Map.of(), "not found"),
                new Bad("log level", List.of("--log-level", "loud"), Map.of(), "error, warning, info"),
                new Bad("zero batch tokens", List.of("--max-batch-tokens", "0"), Map.of(), "max-batch-tokens"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void invalidConfigurationNamesTheKeyAndTheAcceptedValues(Bad c) {
        SettingException e = assertThrows(SettingException.class, () -> ConfigLoader.load(c.args(), c.env()));
        assertTrue(e.getMessage().contains(c.mentions()), e.getMessage());
    }

    @Test
    void unknownKeysInTheFileAreRefused() throws IOException {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "prot: 1\n");
        SettingException e = assertThrows(SettingException.class,
                                          () -> ConfigLoader.load(List.of("--config", yaml.toString()), Map.of()));
        assertTrue(e.getMessage().contains("prot") && e.getMessage().contains(yaml.toString()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"- port\n- 8080\n", "a: &a [*a]\n", "just a sentence\n"})
    void aFileThatIsNotAMappingIsRefusedInOneLine(String text) throws IOException {
        Path yaml = Files.writeString(dir.resolve("not-a-mapping.yaml"), text);
        SettingException e = assertThrows(SettingException.class,
                                          () -> ConfigLoader.load(List.of("--config", yaml.toString()), Map.of()));
        assertTrue(e.getMessage().startsWith("cannot read configuration file " + yaml), e.getMessage());
    }

    @Test
    void meshinferVariablesThatNameNoSettingAreReportedAsLikelyTypos() {
        Map<String, String> env = Map.of("MESHINFER_MAX_BATCH_TOKEN", "512", "MESHINFER_MAX_BATCH_TOKENS", "512",
                                         "MESHINFER_BOGUS", "1", "MESHINFER_JAVA_OPTS", "-Xmx1g",
                                         "CONSUL_HTTP_ADDR", "127.0.0.1:8500", "PATH", "/bin");
        assertEquals(List.of("MESHINFER_BOGUS", "MESHINFER_MAX_BATCH_TOKEN"), ConfigLoader.unknownVariables(env));
    }

    @Test
    void aTeiKeyInTheFileGetsDirections() throws IOException {
        Path yaml = dir.resolve("tei.yaml");
        Files.writeString(yaml, "served-model-name: embedder\n");
        SettingException e = assertThrows(SettingException.class,
                                          () -> ConfigLoader.load(List.of("--config", yaml.toString()), Map.of()));
        assertTrue(e.getMessage().contains("served-model-name") && e.getMessage().contains("--model NAME=DIR"),
                   e.getMessage());
    }

    @Test
    void publicPlainHttpBindIsAllowedWithTheExplicitFlag() {
        ServerConfig c = ConfigLoader.load(List.of("--host", "0.0.0.0", "--plaintext", "--allow-plaintext-public"),
                                           Map.of());
        assertEquals("0.0.0.0", c.host());
    }

    @Test
    void theAdminListenerAloneMayBindPubliclyWithItsOwnFlag() {
        ServerConfig c = ConfigLoader.load(List.of("--host", "0.0.0.0", "--admin-host", "0.0.0.0"),
                                           Map.of("MESHINFER_ALLOW_PUBLIC_ADMIN", "true"));
        assertEquals("0.0.0.0", c.adminHost());
    }

    @Test
    void theMtlsListenerMayBindAnyAddress() {
        assertEquals("0.0.0.0", ConfigLoader.load(List.of("--host", "0.0.0.0"), Map.of()).host());
    }

    @Test
    void consulSettingsKeepConsulsVariableNamesAndTurnConsulModeOn() {
        ServerConfig env = ConfigLoader.load(List.of(), Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:8500",
                                                               "CONSUL_HTTP_TOKEN", "secret"));
        assertTrue(env.connect().consulMode());
        assertEquals("secret", env.connect().consul().get("CONSUL_HTTP_TOKEN"));
        assertFalse(env.connect().toString().contains("secret"));

        ServerConfig flag = ConfigLoader.load(List.of("--consul-http-addr", "http://127.0.0.1:8500"), Map.of());
        assertEquals("http://127.0.0.1:8500", flag.connect().consul().get("CONSUL_HTTP_ADDR"));
        assertFalse(ConfigLoader.load(List.of(), Map.of()).connect().consulMode());
    }

    @Test
    void theReadmeTableHasEverySettingWithItsValueAndDefaultInOrder() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("meshinfer.testdata")).getParent()
                                                 .resolve("README.md"));
        List<String> rows = readme.substring(readme.indexOf("<!-- settings-table -->"),
                                             readme.indexOf("<!-- /settings-table -->"))
                .lines().filter(l -> l.startsWith("| `--")).toList();
        assertEquals(Settings.ALL.size(), rows.size(), "one row per setting");
        for (int i = 0; i < rows.size(); i++) {
            Setting s = Settings.ALL.get(i);
            String[] cells = rows.get(i).split(" \\| ");
            assertEquals("| `" + s.flag() + (s.isSwitch() ? "" : " " + s.valueHint()) + "`", cells[0]);
            if (!s.defaultValue().isEmpty()) {
                assertEquals("`" + s.defaultValue() + "`", cells[1], s.flag() + "'s default");
            }
        }
    }
}
