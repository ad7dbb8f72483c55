package io.meshinfer.models.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.meshinfer.models.ModelException;

/**
 * Finds the ONNX graph in a model directory, at its root or under {@code onnx/} (the two layouts optimum and
 * sentence-transformers write).
 */
public final class OnnxFiles {
    private OnnxFiles() {
    }

    /**
     * Locates the graph.
     *
     * @param dir     the model directory
     * @param variant empty for {@code model.onnx}; {@code quantized} for {@code model_quantized.onnx} and so on; or a
     *                file name ending in {@code .onnx}
     * @throws ModelException naming the files that do exist when the wanted one does not
     */
    public static Path locate(Path dir, Optional<String> variant) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model directory not found: " + dir);
        }
        String fileName = variant.map(v -> v.endsWith(".onnx") ? v : "model_" + v + ".onnx").orElse("model.onnx");
        for (Path candidate : List.of(dir.resolve(fileName), dir.resolve("onnx").resolve(fileName))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new ModelException("no " + fileName + " in " + dir + " or its onnx/ folder; ONNX files present: "
                                         + available(dir));
    }

    private static List<String> available(Path dir) {
        try (Stream<Path> files = Stream.concat(list(dir), list(dir.resolve("onnx")))) {
            List<String> names = files.filter(p -> p.getFileName().toString().endsWith(".onnx"))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
            return names.isEmpty() ? List.of("none") : names;
        }
    }

    private static Stream<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try {
            return Files.list(dir);
        } catch (IOException e) {
            return Stream.empty();
        }
    }
}
