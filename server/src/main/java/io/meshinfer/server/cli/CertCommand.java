package io.meshinfer.server.cli;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.meshinfer.connect.embedded.EmbeddedCa;
import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.server.config.ConnectConfig;
import io.meshinfer.server.config.Settings;

/**
 * {@code meshinfer cert issue --service NAME --out DIR [--state-dir DIR]}: a certificate from the embedded CA for a
 * local caller, written as the three files curl takes ({@code --cert}, {@code --key}, {@code --cacert}).
 */
public final class CertCommand {
    public static final String USAGE = "usage: meshinfer cert issue --service NAME --out DIR [--state-dir DIR]\n";
    private static final Set<String> FLAGS = Set.of("--service", "--out", "--state-dir");

    private CertCommand() {
    }

    /** Runs the command; returns the exit code. */
    public static int run(List<String> args) {
        if (args.isEmpty() || !args.getFirst().equals("issue") || args.contains("--help") || args.contains("-h")) {
            System.err.print(USAGE);
            return args.contains("--help") || args.contains("-h") ? 0 : 2;
        }
        Map<String, String> flags = new HashMap<>();
        List<String> rest = args.subList(1, args.size());
        for (int i = 0; i < rest.size(); i++) {
            String flag = rest.get(i);
            if (!FLAGS.contains(flag) || i + 1 >= rest.size() || rest.get(i + 1).isBlank()) {
                System.err.print("meshinfer cert: unknown flag or missing value: " + flag + "\n" + USAGE);
                return 2;
            }
            flags.put(flag, rest.get(++i));
        }
        String service = flags.get("--service");
        if (service == null || flags.get("--out") == null) {
            System.err.print("meshinfer cert: --service and --out are required\n" + USAGE);
            return 2;
        }
        try {
            Settings.SERVICE.validator().apply(service);
        } catch (IllegalArgumentException e) {
            System.err.println("meshinfer cert: invalid service name '" + service + "': " + e.getMessage());
            return 2;
        }
        Path stateDir = flags.containsKey("--state-dir") ? Path.of(flags.get("--state-dir"))
                : ConnectConfig.defaultStateDir();
        Path out = Path.of(flags.get("--out"));
        // A mistyped --state-dir would otherwise mint a CA that no running server trusts, without a word.
        boolean newCa = !Files.exists(stateDir.resolve("ca.pem"));
        LeafCert leaf;
        try {
            EmbeddedCa ca = StateDirectory.open(stateDir).ca();
            leaf = ca.issue(service, List.of(), List.of());
            StateDirectory.writeCallerFiles(out, leaf, List.of(ca.root()));
        } catch (IllegalStateException e) {
            System.err.println("meshinfer cert: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            System.err.println("meshinfer cert: " + e.getMessage() + ": " + e.getCause());
            return 1;
        }
        if (newCa) {
            System.err.println("meshinfer cert: " + stateDir + " held no CA: created one; only a server started with "
                    + "this state directory trusts the certificate");
        }
        System.out.println("wrote " + out.resolve("cert.pem") + ", " + out.resolve("key.pem") + " (0600) and "
                + out.resolve("ca.pem") + " for " + leaf.id() + ", valid until " + leaf.validBefore());
        return 0;
    }
}
