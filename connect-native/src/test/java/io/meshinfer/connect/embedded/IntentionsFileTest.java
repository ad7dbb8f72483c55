package io.meshinfer.connect.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.connect.SpiffeId;
import io.meshinfer.connect.intentions.IntentionSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded mode's rules file: who may write it decides who may call, so a loose or mistyped one is refused. */
class IntentionsFileTest {
    private static final SpiffeId INFERENCE = SpiffeId.service("11111111-2222-3333-4444-555555555555.consul",
                                                               "default", "dc1", "inference");
    private static final SpiffeId WEB = SpiffeId.service(INFERENCE.trustDomain(), "default", "dc1", "web");
    private static final SpiffeId BATCH = SpiffeId.service(INFERENCE.trustDomain(), "default", "dc1", "batch");

    @TempDir
    Path temp;

    @Test
    void aMissingFileBecomesAStarterThatAllowsWebOnly() {
        AtomicReference<IntentionSet> rules = new AtomicReference<>();
        try (IntentionsFile ignored = IntentionsFile.follow(temp.resolve("intentions.json"), INFERENCE, rules::set)) {
            assertTrue(rules.get().authorizeConnection(WEB).allowed());
            assertFalse(rules.get().authorizeConnection(BATCH).allowed());
        }
    }

    @Test
    void aFileInADirectoryThatDoesNotExistIsRefusedAndNothingIsCreated() {
        Path mistyped = temp.resolve("no-such-dir").resolve("intentions.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IntentionsFile.follow(mistyped, INFERENCE, rules -> { }));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(mistyped.getParent()));
    }

    @Test
    void aFileOthersMayWriteIsRefusedAtStart() throws Exception {
        Path file = Files.writeString(temp.resolve("intentions.json"), IntentionsFile.starter("inference"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> IntentionsFile.follow(file, INFERENCE, rules -> { }));
        assertTrue(e.getMessage().contains("chmod go-w"), e.getMessage());
    }

    @Test
    void anEditWhileOthersMayWriteIsHeldBackUntilThePermissionsAreMended() throws Exception {
        Path file = Files.writeString(temp.resolve("intentions.json"), IntentionsFile.starter("inference"));
        AtomicReference<IntentionSet> rules = new AtomicReference<>();
        try (IntentionsFile ignored = IntentionsFile.follow(file, INFERENCE, rules::set)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.writeString(file, """
                    {"Kind": "service-intentions", "Name": "inference",
                     "Sources": [{"Name": "batch", "Action": "allow"}]}
                    """);
            Thread.sleep(1000);
            assertFalse(rules.get().authorizeConnection(BATCH).allowed(), "not loaded while others may write it");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!rules.get().authorizeConnection(BATCH).allowed() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(rules.get().authorizeConnection(BATCH).allowed(), "loaded once mended");
        }
    }
}
