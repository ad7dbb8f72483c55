package io.meshinfer.models.builtin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.models.ModelException;
import io.meshinfer.models.Pooling;
import io.meshinfer.models.TestModels;
import io.meshinfer.models.discovery.DirectoryConfig;
import io.meshinfer.models.discovery.DirectoryConfigReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuiltinModelsTest {
    @TempDir
    Path cache;

    @Test
    void extractsOnceVerifiesAndReuses() throws IOException {
        Path dir = BuiltinModels.directory(BuiltinModels.DEFAULT, cache);
        assertTrue(Files.isRegularFile(dir.resolve("model.onnx")));
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
        long modified = Files.getLastModifiedTime(dir.resolve("model.onnx")).toMillis();
        assertEquals(dir, BuiltinModels.directory(BuiltinModels.DEFAULT, cache));
        assertEquals(modified, Files.getLastModifiedTime(dir.resolve("model.onnx")).toMillis(),
                     "a verified extraction is reused");
        try (var entries = Files.list(dir.getParent())) {
            assertEquals(1, entries.count(), "no temporary directory is left behind");
        }
    }

    @Test
    void aDamagedExtractionIsReplaced() throws IOException {
        Path dir = BuiltinModels.directory(BuiltinModels.DEFAULT, cache);
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
        Path again = BuiltinModels.directory(BuiltinModels.DEFAULT, cache);
        assertEquals(90387606L, Files.size(again.resolve("model.onnx")));
    }

    @Test
    void theBundledDescriptionMatchesTheRealSentenceTransformersFiles() {
        Path real = TestModels.testdata().resolve("models/minilm-st-layout");
        DirectoryConfig ours = DirectoryConfigReader.read(BuiltinModels.directory(BuiltinModels.DEFAULT, cache));
        DirectoryConfig theirs = DirectoryConfigReader.read(real);
        assertEquals(theirs, ours);
        assertEquals(Pooling.MEAN, ours.pooling().orElseThrow());
    }

    @Test
    void anUnknownBuiltinNamesTheKnownOnes() {
        ModelException e = assertThrows(ModelException.class, () -> BuiltinModels.directory("gpt-5", cache));
        assertTrue(e.getMessage().contains(BuiltinModels.DEFAULT), e.getMessage());
        assertEquals(List.of("all-MiniLM-L6-v2", "bge-small-en-v1.5"), BuiltinModels.names());
    }
}
