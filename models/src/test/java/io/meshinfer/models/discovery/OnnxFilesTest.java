package io.meshinfer.models.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.models.ModelException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxFilesTest {
    @TempDir
    Path dir;

    @Test
    void findsModelOnnxAtTheRootOrUnderOnnx() throws IOException {
        Files.createDirectories(dir.resolve("onnx"));
        Files.writeString(dir.resolve("onnx/model.onnx"), "");
        assertEquals(dir.resolve("onnx/model.onnx"), OnnxFiles.locate(dir, Optional.empty()));
        Files.writeString(dir.resolve("model.onnx"), "");
        assertEquals(dir.resolve("model.onnx"), OnnxFiles.locate(dir, Optional.empty()));
    }

    @Test
    void aVariantSelectsItsFile() throws IOException {
        Files.writeString(dir.resolve("model_quantized.onnx"), "");
        Files.writeString(dir.resolve("model_qint8_avx512.onnx"), "");
        assertEquals(dir.resolve("model_quantized.onnx"), OnnxFiles.locate(dir, Optional.of("quantized")));
        assertEquals(dir.resolve("model_qint8_avx512.onnx"), OnnxFiles.locate(dir, Optional.of("qint8_avx512")));
        assertEquals(dir.resolve("model_quantized.onnx"), OnnxFiles.locate(dir, Optional.of("model_quantized.onnx")));
    }

    @Test
    void aMissingVariantNamesTheFilesThatExist() throws IOException {
        Files.writeString(dir.resolve("model.onnx"), "");
        ModelException e = assertThrows(ModelException.class, () -> OnnxFiles.locate(dir, Optional.of("O4")));
        assertTrue(e.getMessage().contains("model_O4.onnx") && e.getMessage().contains("model.onnx"),
                   e.getMessage());
    }
}
