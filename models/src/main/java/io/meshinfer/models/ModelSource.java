package io.meshinfer.models;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where one served model comes from.
 *
 * @param name     the name it is served under ({@code /models/{name}/...}, the OpenAI {@code model} field)
 * @param location a model directory, or {@code builtin:NAME} for a model bundled with the server
 * @param variant  which ONNX file: empty for {@code model.onnx}, {@code quantized} for
 *                 {@code model_quantized.onnx}, ...
 * @param pooling  pooling that overrides the directory's own
 */
public record ModelSource(String name, String location, Optional<String> variant, Optional<Pooling> pooling) {
    public static final String BUILTIN_PREFIX = "builtin:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ModelSource {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid model name '" + name + "': use letters, digits, '.', '_' "
                                                       + "and '-' (at most 128, starting with a letter or digit)");
        }
        if (location.isBlank()) {
            throw new IllegalArgumentException("model " + name + " has an empty location");
        }
    }

    /**
     * Parses the {@code --model} flag's {@code NAME=DIR} form; a bare {@code DIR} is named after its last folder.
     * The variant and pooling come from their own settings.
     */
    public static ModelSource parse(String spec) {
        int eq = spec.indexOf('=');
        String name;
        String location;
        if (eq >= 0) {
            name = spec.substring(0, eq).trim();
            location = spec.substring(eq + 1).trim();
        } else {
            location = spec.trim();
            name = location.startsWith(BUILTIN_PREFIX)
                    ? location.substring(BUILTIN_PREFIX.length())
                    : String.valueOf(Path.of(location).getFileName());
        }
        return new ModelSource(name, location, Optional.empty(), Optional.empty());
    }

    public boolean builtin() {
        return location.startsWith(BUILTIN_PREFIX);
    }
}
