package io.meshinfer.models.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import ai.onnxruntime.OrtEnvironment;

/**
 * ONNX Runtime's native libraries, unpacked once into the cache directory and loaded from there.
 *
 * <p>Left alone, ONNX Runtime copies them out of its jar into a new temporary directory at every start: a quarter
 * of a second of a small machine's start for the CPU build, and the CUDA build's providers are hundreds of
 * megabytes. The directory is named after the libraries' checksums, so that two builds never share one and a set
 * once written is never rewritten; files are renamed into place whole. Because the process loads native code from
 * there, the cache is used only when it is the user's own: every directory from the cache directory down, and every
 * library, owned by this user, not a link, and writable by nobody else. Otherwise, on a file system without POSIX
 * permissions, or when {@code onnxruntime.native.path} is already set, ONNX Runtime loads its libraries as it would by
 * itself.
 */
public final class NativeLibraryCache {
    private static final Logger LOG = Logger.getLogger(NativeLibraryCache.class.getName());
    /** ONNX Runtime's own setting: the directory it loads its libraries from. */
    static final String NATIVE_PATH = "onnxruntime.native.path";
    private static final String RESOURCES = "ai/onnxruntime/native/";
    private static final String PARTIAL = ".partial";
    /** A partial file this old was left by a process that died while unpacking. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private NativeLibraryCache() {
    }

    /**
     * Points ONNX Runtime at the cached copies of its libraries under {@code cacheDir}, unpacking them first when
     * missing. Call before the first ONNX Runtime environment exists; later calls change nothing.
     */
    public static synchronized void use(Path cacheDir) {
        if (System.getProperty(NATIVE_PATH) != null
                || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path jar = ortJar();
        String platform = platform();
        if (jar == null || platform == null) {
            return;
        }
        try {
            Path dir = unpack(jar, platform, cacheDir);
            if (dir != null) {
                System.setProperty(NATIVE_PATH, dir.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ONNX Runtime's libraries not cached (" + e + "); it unpacks them itself", e);
        }
    }

    /**
     * Unpacks the platform's libraries from {@code jar} under {@code cacheDir}; returns their directory, or null when
     * the jar has none for this platform.
     *
     * @throws IOException when the cache cannot be written or is not safe to load code from
     */
    static Path unpack(Path jar, String platform, Path cacheDir) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            List<JarEntry> libraries = new ArrayList<>();
            file.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith(RESOURCES + platform + "/"))
                    .filter(e -> e.getName().indexOf('/', RESOURCES.length() + platform.length() + 1) < 0)
                    .sorted(Comparator.comparing(JarEntry::getName))
                    .forEach(libraries::add);
            if (libraries.isEmpty()) {
                return null;
            }
            Path dir = cacheDir.resolve("native").resolve(stem(jar) + "-" + fingerprint(libraries)).resolve(platform);
            createPrivateDirectories(cacheDir, dir);
            removeAbandoned(dir);
            for (JarEntry entry : libraries) {
                Path target = dir.resolve(entry.getName().substring(entry.getName().lastIndexOf('/') + 1));
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    // Renamed into place whole: a concurrent start never loads a half-written library.
                    Path partial = Files.createTempFile(dir, target.getFileName().toString(), PARTIAL);
                    // Written into the temporary file as created (owner-only), not replaced by a new one.
                    try (InputStream in = file.getInputStream(entry);
                         OutputStream out = Files.newOutputStream(partial)) {
                        in.transferTo(out);
                        out.close();
                        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (java.nio.file.FileAlreadyExistsException anotherStartWasFaster) {
                        // Same name, same checksums: the same library.
                    } finally {
                        Files.deleteIfExists(partial);
                    }
                }
                requireOwnedAndPrivate(target);
                if (Files.size(target) != entry.getSize()) {
                    throw new IOException(target + " has " + Files.size(target) + " bytes, the jar's "
                                                  + entry.getSize());
                }
            }
            return dir;
        }
    }

    /** The libraries' names, sizes and checksums, hashed: a directory name no other set of libraries gets. */
    private static String fingerprint(List<JarEntry> libraries) {
        CRC32 crc = new CRC32();
        for (JarEntry entry : libraries) {
            crc.update((entry.getName() + ":" + entry.getSize() + ":" + entry.getCrc() + "\n")
                               .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** Creates {@code dir} owner-only and checks every directory from {@code cacheDir} down to it. */
    private static void createPrivateDirectories(Path cacheDir, Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        for (Path d = dir; d != null && d.startsWith(cacheDir); d = d.getParent()) {
            requireOwnedAndPrivate(d);
        }
    }

    private static void requireOwnedAndPrivate(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                                                              LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new IOException(path + " is a link");
        }
        if (!attributes.owner().getName().equals(System.getProperty("user.name"))) {
            throw new IOException(path + " belongs to " + attributes.owner().getName());
        }
        if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(path + " is writable by others ("
                                          + PosixFilePermissions.toString(attributes.permissions()) + ")");
        }
    }

    private static void removeAbandoned(Path dir) throws IOException {
        FileTime before = FileTime.from(Instant.now().minus(ABANDONED));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(PARTIAL)).toList()) {
                if (Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0) {
                    Files.deleteIfExists(f);
                }
            }
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

    /** The jar's name without {@code .jar}: its artifact and version. */
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
