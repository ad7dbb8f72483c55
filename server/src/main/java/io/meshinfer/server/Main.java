package io.meshinfer.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import io.meshinfer.models.ModelException;
import io.meshinfer.server.cli.CertCommand;
import io.meshinfer.server.cli.Help;
import io.meshinfer.server.config.ConfigLoader;
import io.meshinfer.server.config.ServerConfig;
import io.meshinfer.server.config.SettingException;

/** The command line: {@code meshinfer serve|version|--help}. */
public final class Main {
    /** Set by the launcher: the file that marks its class archive as written by a run that served. */
    static final String CLASS_ARCHIVE_SERVED = "meshinfer.cds.served";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args)));
    }

    static int run(List<String> args) {
        String command = args.isEmpty() ? "--help" : args.getFirst();
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        switch (command) {
            case "serve":
                if (rest.contains("--help") || rest.contains("-h")) {
                    System.out.print(Help.serve());
                    return 0;
                }
                return serve(rest);
            case "cert":
                return CertCommand.run(rest);
            case "version":
            case "--version":
                System.out.println("meshinfer " + Version.VERSION);
                return 0;
            case "--help":
            case "-h":
            case "help":
                System.out.print(Help.main());
                return 0;
            default:
                System.err.println("meshinfer: unknown command '" + command + "'\n");
                System.err.print(Help.main());
                return 2;
        }
    }

    private static int serve(List<String> args) {
        ServerConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
        } catch (SettingException e) {
            System.err.println("meshinfer: " + e.getMessage());
            return 2;
        }
        ConfigLoader.unknownVariables(System.getenv()).forEach(name -> System.err.println(
                "meshinfer: " + name + " names no setting and is ignored (settings: meshinfer serve --help)"));
        configureLogging(config.logLevel());
        MeshinferServer server;
        try {
            server = MeshinferServer.start(config);
        } catch (ModelException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            // What an operator fixes (a model, a setting, the state directory), said in one line.
            System.err.println("meshinfer: cannot start: " + e.getMessage());
            for (Throwable also : e.getSuppressed()) {
                System.err.println("meshinfer: also: " + also.getMessage());
            }
            return 1;
        }
        markClassArchiveServed();
        StopSignals signals = StopSignals.install(server::close);
        try {
            return signals.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Tells the launcher that the class archive this JVM writes when it stops comes from a run that served: an
     * archive written by a start that failed early holds a fraction of the classes, and the JVM would map it, and
     * never rewrite it, from then on.
     */
    private static void markClassArchiveServed() {
        String marker = System.getProperty(CLASS_ARCHIVE_SERVED);
        if (marker != null) {
            try {
                Files.writeString(Path.of(marker), "");
            } catch (IOException | RuntimeException e) {
                Logger.getLogger(Main.class.getName()).fine("cannot mark the class archive: " + e);
            }
        }
    }

    private static void configureLogging(String level) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                               "%1$tFT%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
        handler.setFormatter(new java.util.logging.SimpleFormatter());
        Level jul = switch (level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> Level.INFO;
        };
        handler.setLevel(jul);
        root.setLevel(jul);
        root.addHandler(handler);
        // Helidon and DJL are chatty at INFO about internals an operator does not need.
        Logger.getLogger("io.helidon").setLevel(jul.intValue() < Level.INFO.intValue() ? jul : Level.WARNING);
        Logger.getLogger("ai.djl").setLevel(jul.intValue() < Level.INFO.intValue() ? jul : Level.WARNING);
    }
}
