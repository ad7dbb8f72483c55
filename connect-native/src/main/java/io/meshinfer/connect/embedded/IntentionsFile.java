package io.meshinfer.connect.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.intentions.DefaultPolicy;
import io.meshinfer.connect.intentions.IntentionSet;

/**
 * The embedded mode's intentions: a file of {@code service-intentions} config entries, in the JSON Consul's
 * {@code config write} takes, read at start and re-read when it changes. A file that does not parse is logged and
 * ignored: the last good rules stay in force. The default policy is deny, so a caller needs an intention.
 *
 * <p>Thread-safe; one polling thread per instance.
 */
public final class IntentionsFile implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IntentionsFile.class.getName());
    /** Polling, not a WatchService: the latter misses edits on some file systems (bind mounts, NFS). */
    private static final Duration POLL = Duration.ofMillis(250);

    private final Path file;
    private final SpiffeId destination;
    private final Consumer<IntentionSet> sink;
    private final Thread poller;
    private String lastText;
    /** The last reason a changed file was not loaded, said once rather than at every poll. */
    private String lastRefusal;
    private long generation;

    private IntentionsFile(Path file, SpiffeId destination, Consumer<IntentionSet> sink) {
        this.file = file;
        this.destination = destination;
        this.sink = sink;
        this.poller = Thread.ofVirtual().name("intentions-file").unstarted(this::poll);
    }

    /**
     * Reads {@code file} (writing a starter file that allows the service {@code web} when there is none), hands
     * the rules for {@code destination} (this server) to {@code sink}, then follows the file's changes.
     *
     * @throws IllegalArgumentException when the file exists but does not parse: a server must not start on rules
     *                                  it cannot read; or when its directory is missing (a mistyped path must not
     *                                  become a starter file that allows a caller)
     * @throws IllegalStateException    when users other than its owner may write it
     */
    public static IntentionsFile follow(Path file, SpiffeId destination, Consumer<IntentionSet> sink) {
        IntentionsFile watch = new IntentionsFile(file, destination, sink);
        watch.createIfMissing();
        watch.requireOwnerWritableOnly();
        String text = watch.read();
        watch.publish(watch.parse(text), text);
        watch.poller.start();
        return watch;
    }

    /** The starter file: one source allowed, everything else denied by the default policy. */
    static String starter(String service) {
        return """
                {
                  "Kind": "service-intentions",
                  "Name": "%s",
                  "Sources": [
                    {"Name": "web", "Action": "allow"}
                  ]
                }
                """.formatted(service);
    }

    private void createIfMissing() {
        if (Files.exists(file)) {
            return;
        }
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("intentions file " + file + ": its directory " + directory
                                                       + " does not exist");
        }
        try {
            Files.writeString(file, starter(destination.service()), StandardCharsets.UTF_8);
            LOG.log(System.Logger.Level.INFO, "wrote a starter intentions file {0}: it allows the service \"web\" "
                    + "to call \"{1}\"; edit it to change who may call", file, destination.service());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the intentions file " + file, e);
        }
    }

    /** Whoever may write the rules decides who may call: only the file's owner may. */
    private void requireOwnerWritableOnly() {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of the intentions file " + file, e);
        }
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException("intentions file " + file + " is writable by other users ("
                    + PosixFilePermissions.toString(permissions) + "); whoever writes it decides who may call: "
                    + "chmod go-w it");
        }
    }

    private String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the intentions file " + file, e);
        }
    }

    private IntentionSet parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("intentions file " + file + " is missing");
        }
        try {
            return IntentionSet.fromConfigEntries(text, destination, DefaultPolicy.DENY, generation + 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("intentions file " + file + ": " + e.getMessage(), e);
        }
    }

    private void publish(IntentionSet intentions, String text) {
        generation = intentions.index();
        lastText = text;
        sink.accept(intentions);
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(POLL);
                String text = read();
                if (text == null || text.equals(lastText)) {
                    continue;
                }
                try {
                    requireOwnerWritableOnly();
                } catch (IllegalStateException e) {
                    // Not remembered as read: once the permissions are mended, the same text loads.
                    if (!e.getMessage().equals(lastRefusal)) {
                        LOG.log(System.Logger.Level.WARNING, "{0}; keeping the previous rules", e.getMessage());
                    }
                    lastRefusal = e.getMessage();
                    continue;
                }
                lastRefusal = null;
                try {
                    publish(parse(text), text);
                    LOG.log(System.Logger.Level.INFO, "intentions file {0} reloaded", file);
                } catch (IllegalArgumentException e) {
                    lastText = text;
                    LOG.log(System.Logger.Level.WARNING, "{0}; keeping the previous rules", e.getMessage());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Whatever happened, the thread must live on: a dead poller would freeze the rules silently.
                LOG.log(System.Logger.Level.WARNING, "cannot reload the intentions file ({0}); keeping the "
                        + "previous rules", e.toString());
            }
        }
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
