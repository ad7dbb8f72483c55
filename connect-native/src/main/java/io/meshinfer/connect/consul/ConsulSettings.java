package io.meshinfer.connect.consul;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SNIHostName;

/**
 * How to reach the local Consul agent, configured the way the {@code consul} CLI is: by the variables named in
 * {@link #NAMES}, so an operator sets meshinfer up exactly as they set up Consul's own tools.
 *
 * <p>Built by {@link #from(Map)}; empty values count as unset, as Consul treats them. A token file, when given,
 * wins over a token value (Consul's precedence). The token never appears in {@link #toString()}. Immutable and
 * thread-safe.
 *
 * @param address       base URI of the agent's HTTP API ({@code http} or {@code https}, host and port); absent when
 *                      Consul is not used
 * @param token         ACL token sent with every request
 * @param caFile        PEM file of CA certificates to trust instead of the system's
 * @param caPath        directory of PEM files of CA certificates to trust instead of the system's
 * @param clientCert    PEM certificate chain presented to the agent (with {@code clientKey})
 * @param clientKey     PEM private key of {@code clientCert}
 * @param verify        whether the agent's certificate is verified; off only when explicitly asked
 * @param tlsServerName name sent as SNI and expected in the agent's certificate, instead of the address's host
 * @param namespace     Consul Enterprise namespace for every request
 * @param partition     Consul Enterprise admin partition for every request
 */
public record ConsulSettings(Optional<URI> address, Optional<String> token, Optional<Path> caFile,
                             Optional<Path> caPath, Optional<Path> clientCert, Optional<Path> clientKey,
                             boolean verify, Optional<String> tlsServerName, Optional<String> namespace,
                             Optional<String> partition) {

    static final String HTTP_ADDR = "CONSUL_HTTP_ADDR";
    static final String HTTP_TOKEN = "CONSUL_HTTP_TOKEN";
    static final String HTTP_TOKEN_FILE = "CONSUL_HTTP_TOKEN_FILE";
    static final String HTTP_SSL = "CONSUL_HTTP_SSL";
    static final String HTTP_SSL_VERIFY = "CONSUL_HTTP_SSL_VERIFY";
    static final String CACERT = "CONSUL_CACERT";
    static final String CAPATH = "CONSUL_CAPATH";
    static final String CLIENT_CERT = "CONSUL_CLIENT_CERT";
    static final String CLIENT_KEY = "CONSUL_CLIENT_KEY";
    static final String TLS_SERVER_NAME = "CONSUL_TLS_SERVER_NAME";
    static final String NAMESPACE = "CONSUL_NAMESPACE";
    static final String PARTITION = "CONSUL_PARTITION";

    /** Every variable {@link #from(Map)} reads, in the order Consul documents them. */
    public static final List<String> NAMES = List.of(HTTP_ADDR, HTTP_TOKEN, HTTP_TOKEN_FILE, HTTP_SSL,
            HTTP_SSL_VERIFY, CACERT, CAPATH, CLIENT_CERT, CLIENT_KEY, TLS_SERVER_NAME, NAMESPACE, PARTITION);

    public ConsulSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(caPath, "caPath");
        Objects.requireNonNull(clientCert, "clientCert");
        Objects.requireNonNull(clientKey, "clientKey");
        Objects.requireNonNull(tlsServerName, "tlsServerName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(partition, "partition");
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException(CLIENT_CERT + " and " + CLIENT_KEY
                    + " go together: set both or neither");
        }
    }

    /**
     * Reads the settings from a map keyed by the names in {@link #NAMES}; other keys are ignored.
     *
     * @throws IllegalArgumentException naming the variable that is wrong and why (never quoting the token)
     */
    public static ConsulSettings from(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        boolean ssl = bool(values, HTTP_SSL, false);
        Optional<URI> address = value(values, HTTP_ADDR).map(raw -> address(raw, ssl));
        return new ConsulSettings(address, token(values), file(values, CACERT), directory(values, CAPATH),
                file(values, CLIENT_CERT), file(values, CLIENT_KEY), bool(values, HTTP_SSL_VERIFY, true),
                value(values, TLS_SERVER_NAME).map(ConsulSettings::serverName), value(values, NAMESPACE),
                value(values, PARTITION));
    }

    /** Whether meshinfer talks to a Consul agent at all: only when {@code CONSUL_HTTP_ADDR} is set. */
    public boolean enabled() {
        return address.isPresent();
    }

    @Override
    public String toString() {
        return "ConsulSettings[address=" + address.map(URI::toString).orElse("<none>")
                + ", token=" + (token.isPresent() ? "<redacted>" : "<none>")
                + caFile.map(p -> ", caFile=" + p).orElse("") + caPath.map(p -> ", caPath=" + p).orElse("")
                + clientCert.map(p -> ", clientCert=" + p).orElse("")
                + clientKey.map(p -> ", clientKey=" + p).orElse("") + (verify ? "" : ", verify=false")
                + tlsServerName.map(n -> ", tlsServerName=" + n).orElse("")
                + namespace.map(n -> ", namespace=" + n).orElse("")
                + partition.map(n -> ", partition=" + n).orElse("") + "]";
    }

    private static Optional<String> value(Map<String, String> values, String name) {
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static URI address(String raw, boolean ssl) {
        int schemeEnd = raw.indexOf("://");
        String scheme = schemeEnd < 0 ? "http" : raw.substring(0, schemeEnd);
        String authority = schemeEnd < 0 ? raw : raw.substring(schemeEnd + 3);
        if (scheme.equals("unix")) {
            throw new IllegalArgumentException(HTTP_ADDR + ": unix sockets are not supported; give host:port or "
                    + "http(s)://host:port of the agent's HTTP listener");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(HTTP_ADDR + ": unknown scheme '" + scheme
                    + "'; expected host:port, http://host:port or https://host:port");
        }
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty() || authority.contains("/") || authority.contains("?") || authority.contains("#")
                || authority.contains("@")) {
            throw new IllegalArgumentException(HTTP_ADDR + ": expected host:port, http://host:port or "
                    + "https://host:port (no path, query or user), got '" + raw + "'");
        }
        // CONSUL_HTTP_SSL turns http:// into https://, never the reverse, as the consul CLI does.
        String effective = ssl ? "https" : scheme;
        URI parsed;
        try {
            parsed = new URI(effective + "://" + authority);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(HTTP_ADDR + ": not a host:port: '" + raw + "'");
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException(HTTP_ADDR + ": not a host:port: '" + raw + "'");
        }
        int port = parsed.getPort();
        if (port == -1 && schemeEnd < 0) {
            throw new IllegalArgumentException(HTTP_ADDR + ": '" + raw + "' has no port; the agent's HTTP port "
                    + "is usually 8500");
        }
        if (port == -1) {
            port = effective.equals("https") ? 443 : 80;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(HTTP_ADDR + ": port out of range in '" + raw + "'");
        }
        try {
            return new URI(effective, null, parsed.getHost(), port, null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(HTTP_ADDR + ": not a host:port: '" + raw + "'");
        }
    }

    private static Optional<String> token(Map<String, String> values) {
        Optional<Path> file = file(values, HTTP_TOKEN_FILE);
        Optional<String> token = file.isPresent() ? file.map(ConsulSettings::readToken) : value(values, HTTP_TOKEN);
        String source = file.isPresent() ? HTTP_TOKEN_FILE + " " + file.get() : HTTP_TOKEN;
        // The token travels in a header; a control character or space would corrupt the request.
        token.filter(t -> !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)).ifPresent(t -> {
            throw new IllegalArgumentException(source + ": the token has characters a Consul token cannot have");
        });
        return token;
    }

    private static String readToken(Path file) {
        String token;
        try {
            token = Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(HTTP_TOKEN_FILE + ": cannot read " + file + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException(HTTP_TOKEN_FILE + ": " + file + " is empty");
        }
        return token;
    }

    private static Optional<Path> file(Map<String, String> values, String name) {
        Optional<Path> path = value(values, name).map(Path::of);
        path.filter(p -> !Files.isRegularFile(p) || !Files.isReadable(p)).ifPresent(p -> {
            throw new IllegalArgumentException(name + ": " + p + " is not a readable file");
        });
        return path;
    }

    private static Optional<Path> directory(Map<String, String> values, String name) {
        Optional<Path> path = value(values, name).map(Path::of);
        path.filter(p -> !Files.isDirectory(p) || !Files.isReadable(p)).ifPresent(p -> {
            throw new IllegalArgumentException(name + ": " + p + " is not a readable directory");
        });
        return path;
    }

    // Go's strconv.ParseBool, which the consul CLI uses for these variables; anything else is refused rather
    // than ignored with a warning as Consul does, because a typo in CONSUL_HTTP_SSL_VERIFY must not go unnoticed.
    private static boolean bool(Map<String, String> values, String name, boolean unset) {
        return value(values, name).map(v -> switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new IllegalArgumentException(name + ": expected true or false, got '" + v + "'");
        }).orElse(unset);
    }

    private static String serverName(String raw) {
        // Consul accepts host:port here and uses only the host.
        int colon = raw.lastIndexOf(':');
        String host = colon > raw.lastIndexOf(']') ? raw.substring(0, colon) : raw;
        try {
            return new SNIHostName(host).getAsciiName();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TLS_SERVER_NAME + ": '" + raw + "' is not a host name: "
                    + e.getMessage());
        }
    }
}
