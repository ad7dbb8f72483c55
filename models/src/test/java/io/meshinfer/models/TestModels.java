package io.meshinfer.models;

import java.nio.file.Path;
import java.util.Optional;

import io.meshinfer.models.batch.BatchListener;
import io.meshinfer.models.batch.BatchPolicy;
import io.meshinfer.models.runtime.ExecutionSettings;
import io.meshinfer.models.runtime.OrtRuntime;

/** Real models for tests: the built-ins (extracted once into the build directory) and the tiny fixtures. */
public final class TestModels {
    /** Shared by every test of this module, so the built-ins are extracted once per build. */
    public static final Path CACHE = Path.of("target", "model-cache").toAbsolutePath();
    private static final OrtRuntime RUNTIME = OrtRuntime.create(ExecutionSettings.DEFAULT, 1);

    private TestModels() {
    }

    /** The fixtures directory (tiny models, Hugging Face reference outputs). */
    public static Path testdata() {
        return Path.of(System.getProperty("meshinfer.testdata"));
    }

    public static Model load(String location, BatchPolicy policy, BatchListener listener) {
        return Model.load(new ModelSource(name(location), location, Optional.empty(), Optional.empty()), RUNTIME,
                          policy, listener, CACHE);
    }

    public static Model load(String location) {
        return load(location, BatchPolicy.DEFAULT, BatchListener.NONE);
    }

    /** A model directory served with {@code --onnx-variant onnxVariant}. */
    public static Model load(String location, String onnxVariant) {
        return Model.load(new ModelSource(name(location), location, Optional.of(onnxVariant), Optional.empty()),
                          RUNTIME, BatchPolicy.DEFAULT, BatchListener.NONE, CACHE);
    }

    private static String name(String location) {
        return location.startsWith(ModelSource.BUILTIN_PREFIX)
                ? location.substring(ModelSource.BUILTIN_PREFIX.length())
                : Path.of(location).getFileName().toString();
    }
}
