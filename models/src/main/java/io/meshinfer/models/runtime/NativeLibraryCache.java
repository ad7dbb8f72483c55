package io.meshinfer.models.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

import ai.onnxruntime.OrtEnvironment;

/**
 * ONNX Runtime's native libraries, unpacked once into the cache directory and loaded from there.
 *
 * <p>Left alone, ONNX Runtime copies them out of its jar into a new temporary directory at every start: a quarter
 * of a second of a small machine's start for the CPU build, and the CUDA build's providers are hundreds of
 * megabytes. Each cached file is checked against its jar entry's checksum before use, so a stale or damaged copy is
 * replaced, never loaded. When {@code onnxruntime.native.path} is already set, or the cache cannot be written, ONNX
 * Runtime loads its libraries as it would by itself.
 */
public final class NativeLibraryCache {
    private static final Logger LOG = Logger.getLogger(NativeLibraryCache.class.getName());
    /** ONNX Runtime's own setting: the directory it loads its libraries from. */
    static final String NATIVE_PATH = "onnxruntime.native.path";
    private static final String RESOURCES = "ai/onnxruntime/native/";

    private NativeLibraryCache() {
    }

    /**
     * Points ONNX Runtime at the cached copies of its libraries under {@code cacheDir}, unpacking them first when
     * missing or changed. Call before the first ONNX Runtime environment exists; later calls change nothing.
     */
    public static synchronized void use(Path cacheDir) {
        if (System.getProperty(NATIVE_PATH) != null) {
            return;
        }
        Path jar = ortJar();
        String platform = platform();
        if (jar == null || platform == null) {
            return;
        }
        try {
            Path dir = unpack(jar, platform, cacheDir.resolve("native").resolve(stem(jar)).resolve(platform));
            if (dir != null) {
                System.setProperty(NATIVE_PATH, dir.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ONNX Runtime's libraries not cached (" + e + "); it unpacks them itself", e);
        }
    }

    /** Unpacks the platform's libraries into {@code dir}; null when the jar has none for this platform. */
    static Path unpack(Path jar, String platform, Path dir) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            List<JarEntry> libraries = new ArrayList<>();
            file.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith(RESOURCES + platform + "/"))
                    .filter(e -> e.getName().indexOf('/', RESOURCES.length() + platform.length() + 1) < 0)
                    .forEach(libraries::add);
            if (libraries.isEmpty()) {
                return null;
            }
            createPrivateDirectories(dir);
            for (JarEntry entry : libraries) {
                Path target = dir.resolve(entry.getName().substring(entry.getName().lastIndexOf('/') + 1));
                if (!sameContent(target, entry)) {
                    // A sibling temporary file renamed into place: a process that mapped the old copy keeps it,
                    // and a concurrent start never loads a half-written one.
                    Path partial = Files.createTempFile(dir, target.getFileName().toString(), ".partial");
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING,
                                   StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(partial);
                    }
                }
            }
            return dir;
        }
    }

    private static boolean sameContent(Path file, JarEntry entry) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != entry.getSize() || entry.getCrc() < 0) {
            return false;
        }
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(Files.newInputStream(file), crc)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return crc.getValue() == entry.getCrc();
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    /** The jar ONNX Runtime's classes come from; null when they come from elsewhere (a directory, a module image). */
    private static Path ortJar() {
        CodeSource source = OrtEnvironment.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? path : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The jar's name without {@code .jar}: its artifact and version, so that an upgrade gets a directory of its own. */
    private static String stem(Path jar) {
        String name = jar.getFileName().toString();
        return name.substring(0, name.length() - ".jar".length());
    }

    /** ONNX Runtime's name for this platform's resource folder, e.g. {@code linux-x64}; null when unknown. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win" : null;
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        return osName == null || archName == null ? null : osName + "-" + archName;
    }
}
