package io.meshinfer.server.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.models.ModelException;
import io.meshinfer.server.MeshinferServer;
import io.meshinfer.server.config.ConfigLoader;

/**
 * Connect (the embedded CA and the intentions here) comes up while the models load. When either fails, start-up
 * fails with that one's reason, and the same state directory serves on the next start.
 */
class StartFailureTest {
    @TempDir
    Path temp;

    @Test
    void aBrokenIntentionsFileStopsStartThoughTheModelLoads() throws IOException {
        Path state = ownerOnlyDirectory();
        Files.writeString(state.resolve("intentions.json"), "{\"allow\": [");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(state));

        assertTrue(e.getMessage().startsWith("intentions file " + state.resolve("intentions.json")), e.getMessage());
    }

    @Test
    void aModelThatDoesNotLoadStopsStartWhileConnectComesUp() {
        Path state = temp.resolve("state");

        ModelException e = assertThrows(ModelException.class,
                                        () -> start(state, "--model", "absent=" + temp.resolve("no-such-model")));

        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
        assertEquals(0, e.getSuppressed().length, Arrays.toString(e.getSuppressed()));
        try (MeshinferServer server = start(state)) {
            assertTrue(server.ready());
        }
    }

    @Test
    void whenBothFailTheModelsReasonLeadsAndConnectsIsKept() throws IOException {
        Path state = ownerOnlyDirectory();
        Files.writeString(state.resolve("intentions.json"), "not json");

        ModelException e = assertThrows(ModelException.class,
                                        () -> start(state, "--model", "absent=" + temp.resolve("no-such-model")));

        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().startsWith("intentions file "), e.getSuppressed()[0].toString());
    }

    // The embedded CA refuses a state directory others can read.
    private Path ownerOnlyDirectory() throws IOException {
        return Files.createDirectory(temp.resolve("state"),
                                     PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static MeshinferServer start(Path state, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--admin-port", "0", "--state-dir",
                                                    state.toString()));
        args.addAll(List.of(flags));
        return MeshinferServer.start(ConfigLoader.load(args, Map.of()));
    }
}
