package io.meshinfer.connect.consul;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsulSettingsTest {

    private static final String SECRET = "5c3e1b7a-0d4f-4c2e-9a61-token-secret";

    @TempDir
    static Path dir;

    static Path file;
    static Path tokenFile;
    static Path emptyFile;

    @BeforeAll
    static void files() throws IOException {
        file = Files.writeString(dir.resolve("ca.pem"), "pem");
        tokenFile = Files.writeString(dir.resolve("token"), "  " + SECRET + "\n");
        emptyFile = Files.writeString(dir.resolve("empty"), "\n");
    }

    record Address(String name, Map<String, String> values, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Address> addresses() {
        return Stream.of(
                new Address("host:port is http", Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:8500"),
                            "http://127.0.0.1:8500"),
                new Address("http URL", Map.of("CONSUL_HTTP_ADDR", "http://consul.local:8500/"),
                            "http://consul.local:8500"),
                new Address("https URL", Map.of("CONSUL_HTTP_ADDR", "https://consul.local:8501"),
                            "https://consul.local:8501"),
                new Address("https URL without port takes 443", Map.of("CONSUL_HTTP_ADDR", "https://consul.local"),
                            "https://consul.local:443"),
                new Address("CONSUL_HTTP_SSL upgrades host:port",
                            Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:8501", "CONSUL_HTTP_SSL", "true"),
                            "https://127.0.0.1:8501"),
                new Address("CONSUL_HTTP_SSL upgrades http://",
                            Map.of("CONSUL_HTTP_ADDR", "http://127.0.0.1:8501", "CONSUL_HTTP_SSL", "1"),
                            "https://127.0.0.1:8501"),
                new Address("CONSUL_HTTP_SSL=false keeps https://",
                            Map.of("CONSUL_HTTP_ADDR", "https://127.0.0.1:8501", "CONSUL_HTTP_SSL", "false"),
                            "https://127.0.0.1:8501"),
                new Address("IPv6 literal", Map.of("CONSUL_HTTP_ADDR", "[::1]:8500"), "http://[::1]:8500"),
                new Address("surrounding spaces are ignored", Map.of("CONSUL_HTTP_ADDR", " 127.0.0.1:8500 "),
                            "http://127.0.0.1:8500"));
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void addressesFollowTheConsulCli(Address row) {
        ConsulSettings settings = ConsulSettings.from(row.values());
        assertTrue(settings.enabled());
        assertEquals(URI.create(row.expected()), settings.address().orElseThrow());
    }

    record Bad(String name, Map<String, String> values, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badSettings() {
        return Stream.of(
                new Bad("unix socket", Map.of("CONSUL_HTTP_ADDR", "unix:///var/run/consul.sock"),
                        "CONSUL_HTTP_ADDR: unix sockets are not supported"),
                new Bad("unknown scheme", Map.of("CONSUL_HTTP_ADDR", "ftp://consul:21"),
                        "CONSUL_HTTP_ADDR: unknown scheme 'ftp'"),
                new Bad("host without port", Map.of("CONSUL_HTTP_ADDR", "consul.local"),
                        "CONSUL_HTTP_ADDR: 'consul.local' has no port"),
                new Bad("path prefix", Map.of("CONSUL_HTTP_ADDR", "http://consul:8500/consul"),
                        "CONSUL_HTTP_ADDR: expected host:port"),
                new Bad("port out of range", Map.of("CONSUL_HTTP_ADDR", "consul:99999"),
                        "CONSUL_HTTP_ADDR: port out of range"),
                new Bad("not a host", Map.of("CONSUL_HTTP_ADDR", "con sul:8500"),
                        "CONSUL_HTTP_ADDR: not a host:port"),
                new Bad("SSL not a boolean", Map.of("CONSUL_HTTP_ADDR", "consul:8500", "CONSUL_HTTP_SSL", "yes"),
                        "CONSUL_HTTP_SSL: expected true or false, got 'yes'"),
                new Bad("SSL_VERIFY not a boolean", Map.of("CONSUL_HTTP_SSL_VERIFY", "off"),
                        "CONSUL_HTTP_SSL_VERIFY: expected true or false, got 'off'"),
                new Bad("missing CA file", Map.of("CONSUL_CACERT", "/nonexistent/ca.pem"),
                        "CONSUL_CACERT: /nonexistent/ca.pem is not a readable file"),
                new Bad("CA path is a file", Map.of("CONSUL_CAPATH", file.toString()),
                        "CONSUL_CAPATH: " + file + " is not a readable directory"),
                new Bad("client cert without key", Map.of("CONSUL_CLIENT_CERT", file.toString()),
                        "CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY go together"),
                new Bad("client key without cert", Map.of("CONSUL_CLIENT_KEY", file.toString()),
                        "CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY go together"),
                new Bad("missing token file", Map.of("CONSUL_HTTP_TOKEN_FILE", "/nonexistent/token"),
                        "CONSUL_HTTP_TOKEN_FILE: /nonexistent/token is not a readable file"),
                new Bad("empty token file", Map.of("CONSUL_HTTP_TOKEN_FILE", emptyFile.toString()),
                        "CONSUL_HTTP_TOKEN_FILE: " + emptyFile + " is empty"),
                new Bad("token with a line break", Map.of("CONSUL_HTTP_TOKEN", "abc\r\nX-Injected: 1"),
                        "CONSUL_HTTP_TOKEN: the token has characters a Consul token cannot have"),
                new Bad("server name not a host", Map.of("CONSUL_TLS_SERVER_NAME", "server dc1"),
                        "CONSUL_TLS_SERVER_NAME: 'server dc1' is not a host name"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void badSettingsAreRefusedNamingTheVariable(Bad row) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                  () -> ConsulSettings.from(row.values()));
        assertTrue(e.getMessage().startsWith(row.mentions()), e.getMessage());
    }

    @Test
    void withoutAnAddressConsulIsOff() {
        ConsulSettings settings = ConsulSettings.from(Map.of("CONSUL_HTTP_TOKEN", SECRET, "PATH", "/usr/bin"));
        assertFalse(settings.enabled());
        assertFalse(ConsulSettings.from(Map.of("CONSUL_HTTP_ADDR", "  ")).enabled(), "empty counts as unset");
    }

    @Test
    void theTokenFileWinsOverTheTokenAndIsTrimmed() {
        ConsulSettings settings = ConsulSettings.from(Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:8500",
                "CONSUL_HTTP_TOKEN", "other", "CONSUL_HTTP_TOKEN_FILE", tokenFile.toString()));
        assertEquals(Optional.of(SECRET), settings.token());
    }

    @Test
    void theTokenNeverShowsInToString() {
        ConsulSettings fromValue = ConsulSettings.from(Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:8500",
                                                              "CONSUL_HTTP_TOKEN", SECRET));
        ConsulSettings fromFile = ConsulSettings.from(Map.of("CONSUL_HTTP_ADDR", "127.0.0.1:8500",
                                                             "CONSUL_HTTP_TOKEN_FILE", tokenFile.toString()));
        for (ConsulSettings settings : new ConsulSettings[] {fromValue, fromFile}) {
            assertFalse(settings.toString().contains(SECRET), settings.toString());
            assertTrue(settings.toString().contains("token=<redacted>"), settings.toString());
        }
    }

    @Test
    void everyNamedVariableIsRead() {
        Map<String, String> values = new HashMap<>();
        values.put("CONSUL_HTTP_ADDR", "consul.local:8501");
        values.put("CONSUL_HTTP_TOKEN", SECRET);
        values.put("CONSUL_HTTP_SSL", "true");
        values.put("CONSUL_HTTP_SSL_VERIFY", "false");
        values.put("CONSUL_CACERT", file.toString());
        values.put("CONSUL_CAPATH", dir.toString());
        values.put("CONSUL_CLIENT_CERT", file.toString());
        values.put("CONSUL_CLIENT_KEY", file.toString());
        values.put("CONSUL_TLS_SERVER_NAME", "server.dc1.consul:8501");
        values.put("CONSUL_NAMESPACE", "team-a");
        values.put("CONSUL_PARTITION", "part-b");
        assertEquals(ConsulSettings.NAMES.size() - 1, values.size(), "all but the token file, which wins");
        ConsulSettings settings = ConsulSettings.from(values);
        assertEquals(new ConsulSettings(Optional.of(URI.create("https://consul.local:8501")), Optional.of(SECRET),
                                        Optional.of(file), Optional.of(dir), Optional.of(file), Optional.of(file),
                                        false, Optional.of("server.dc1.consul"), Optional.of("team-a"),
                                        Optional.of("part-b")), settings);
    }
}
