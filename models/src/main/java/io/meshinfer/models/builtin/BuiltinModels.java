package io.meshinfer.models.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import io.meshinfer.models.ModelException;

/**
 * Models bundled with the server: the ONNX graph and {@code tokenizer.json} come from a Maven artifact on the
 * class path, the rest of the directory (config and sentence-transformers files) from this module's resources.
 *
 * <p>On first use the files are extracted into a cache directory and the graph's SHA-256 is checked against the
 * pinned artifact's; later starts reuse the directory once a marker confirms the check. Extraction goes to a
 * temporary directory first and is moved into place atomically, so concurrent starts and interrupted extractions
 * never leave a half-written model behind.
 */
public final class BuiltinModels {
    /** The model {@code ./meshinfer serve} runs with no flags. */
    public static final String DEFAULT = "all-MiniLM-L6-v2";

    private static final Logger LOG = Logger.getLogger(BuiltinModels.class.getName());
    private static final String MARKER = ".meshinfer-verified";
    private static final List<String> CONFIG_FILES = List.of("config.json", "modules.json", "1_Pooling/config.json",
                                                             "sentence_bert_config.json",
                                                             "config_sentence_transformers.json",
                                                             "tokenizer_config.json", "special_tokens_map.json");

    private record Bundled(String name, String onnxResource, String tokenizerResource, String sha256) {
    }

    private static final List<Bundled> BUNDLED = List.of(
            new Bundled(DEFAULT, "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
                        "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e"),
            new Bundled("bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
                        "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35"));

    private BuiltinModels() {
    }

    /** Names of the bundled models, whether or not their artifact is on the class path. */
    public static List<String> names() {
        return BUNDLED.stream().map(Bundled::name).toList();
    }

    /**
     * Returns the model's directory under {@code cacheDir}, extracting and verifying it first if needed.
     *
     * @throws ModelException for an unknown name, an artifact missing from the class path, or a checksum mismatch
     */
    public static Path directory(String name, Path cacheDir) {
        Bundled model = BUNDLED.stream().filter(b -> b.name.equals(name)).findFirst().orElseThrow(
                () -> new ModelException("unknown built-in model '" + name + "'; built-in: " + names()));
        Path target = cacheDir.resolve("models").resolve(model.name + "-" + model.sha256.substring(0, 12));
        try {
            if (!verified(target, model)) {
                extract(model, target);
            }
            writeConfigFiles(model, target);
            return target;
        } catch (IOException e) {
            throw new ModelException("cannot prepare built-in model " + name + " in " + target + ": "
                                             + e.getMessage(), e);
        }
    }

    private static boolean verified(Path dir, Bundled model) throws IOException {
        Path marker = dir.resolve(MARKER);
        Path onnx = dir.resolve("model.onnx");
        if (!Files.isRegularFile(marker) || !Files.isRegularFile(onnx)) {
            return false;
        }
        return Files.readString(marker).trim().equals(model.sha256 + " " + Files.size(onnx));
    }

    private static void extract(Bundled model, Path target) throws IOException {
        LOG.info("extracting built-in model " + model.name + " into " + target);
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempDirectory(target.getParent(), model.name + ".partial-");
        try {
            String digest = copy(resource(model.onnxResource), temp.resolve("model.onnx"));
            if (!digest.equals(model.sha256)) {
                throw new ModelException("built-in model " + model.name + " failed its checksum: expected sha256 "
                                                 + model.sha256 + ", got " + digest);
            }
            copy(resource(model.tokenizerResource), temp.resolve("tokenizer.json"));
            Files.writeString(temp.resolve(MARKER), digest + " " + Files.size(temp.resolve("model.onnx")) + "\n");
            moveIntoPlace(temp, target);
        } finally {
            deleteRecursively(temp);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        if (Files.exists(target)) {
            // A previous extraction was incomplete or corrupted: replace it.
            deleteRecursively(target);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            LOG.fine("another process extracted " + target + " first");
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
    }

    private static void writeConfigFiles(Bundled model, Path dir) throws IOException {
        for (String file : CONFIG_FILES) {
            String resource = "/io/meshinfer/models/builtin/" + model.name + "/" + file;
            try (InputStream in = BuiltinModels.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ModelException("missing resource " + resource);
                }
                byte[] content = in.readAllBytes();
                Path out = dir.resolve(file);
                if (!Files.isRegularFile(out) || !Arrays.equals(Files.readAllBytes(out), content)) {
                    Files.createDirectories(out.getParent());
                    Path temp = Files.createTempFile(dir, ".config-", ".json");
                    Files.write(temp, content);
                    Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
    }

    private static InputStream resource(String name) {
        InputStream in = BuiltinModels.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new ModelException("built-in model file " + name + " is not on the class path; the artifact "
                                             + "that bundles it is missing from this build");
        }
        return in;
    }

    private static String copy(InputStream source, Path target) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
        try (InputStream in = source; OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            List<Path> all = paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
