package io.meshinfer.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading a model directory that is broken fails with a message naming the model and the file, not a crash. */
class ModelLoadTest {
    @Test
    void aBrokenTokenizerFileIsAModelErrorNamingTheModelAndTheFile(@TempDir Path dir) throws IOException {
        Path model = copyOf(TestModels.testdata().resolve("models/tiny-classifier"), dir.resolve("broken"));
        Files.writeString(model.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": 42}");
        ModelException e = assertThrows(ModelException.class, () -> TestModels.load(model.toString()));
        assertTrue(e.getMessage().contains("model broken") && e.getMessage().contains("tokenizer.json"),
                   e.getMessage());
    }

    private static Path copyOf(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }
}
