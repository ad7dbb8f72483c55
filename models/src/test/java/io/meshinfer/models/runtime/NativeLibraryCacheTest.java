package io.meshinfer.models.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime's libraries are unpacked once per set of libraries and platform, into directories only the user can
 * write, and loaded from there only when nobody else could have changed them.
 */
class NativeLibraryCacheTest {
    private static final Map<String, String> LINUX = Map.of(
            "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "runtime",
            "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so", "binding");

    @TempDir
    Path tmp;
    private String before;

    @BeforeEach
    void rememberTheProperty() {
        before = System.getProperty(NativeLibraryCache.NATIVE_PATH);
    }

    // Whether or not this JVM's ONNX Runtime is loaded yet, later tests must not load it from a deleted directory.
    @AfterEach
    void restoreTheProperty() {
        if (before == null) {
            System.clearProperty(NativeLibraryCache.NATIVE_PATH);
        } else {
            System.setProperty(NativeLibraryCache.NATIVE_PATH, before);
        }
    }

    @Test
    void unpacksOnlyThisPlatformsLibrariesOwnerOnly() throws IOException {
        Map<String, String> entries = new TreeMap<>(LINUX);
        entries.put("ai/onnxruntime/native/linux-x64/extra/notes.txt", "nested");
        entries.put("ai/onnxruntime/native/linux-aarch64/libonnxruntime.so", "other platform");
        entries.put("ai/onnxruntime/OrtEnvironment.class", "class");

        Path dir = NativeLibraryCache.unpack(jar("onnxruntime-1.0", entries), "linux-x64", tmp.resolve("cache"));

        assertTrue(dir.startsWith(tmp.resolve("cache/native")), dir.toString());
        assertTrue(dir.getParent().getFileName().toString().startsWith("onnxruntime-1.0-"), dir.toString());
        assertEquals(List.of("libonnxruntime.so", "libonnxruntime4j_jni.so"), names(dir));
        assertEquals("runtime", Files.readString(dir.resolve("libonnxruntime.so")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("libonnxruntime.so"))));
    }

    @Test
    void aLaterStartUsesTheFilesAsTheyAreAndOtherLibrariesGetADirectoryOfTheirOwn() throws IOException {
        Path cache = tmp.resolve("cache");
        Path dir = NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache);
        FileTime longAgo = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(dir.resolve("libonnxruntime.so"), longAgo);

        assertEquals(dir, NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache));
        assertEquals(longAgo, Files.getLastModifiedTime(dir.resolve("libonnxruntime.so")));

        Map<String, String> rebuilt = new TreeMap<>(LINUX);
        rebuilt.put("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "runtime, rebuilt");
        Path other = NativeLibraryCache.unpack(jar("onnxruntime-1.0", rebuilt), "linux-x64", cache);
        assertNotEquals(dir, other);
        assertEquals("runtime, rebuilt", Files.readString(other.resolve("libonnxruntime.so")));
        assertEquals("runtime", Files.readString(dir.resolve("libonnxruntime.so")));
    }

    @Test
    void aPartialFileLeftByAProcessThatDiedIsRemoved() throws IOException {
        Path cache = tmp.resolve("cache");
        Path dir = NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache);
        Path stale = Files.writeString(dir.resolve("libonnxruntime.so123.partial"), "half");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(1_000_000_000_000L));
        Path fresh = Files.writeString(dir.resolve("libonnxruntime.so456.partial"), "being written");

        NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache);

        assertTrue(Files.notExists(stale));
        assertTrue(Files.exists(fresh));
    }

    @Test
    void aCacheOthersCanWriteIsNotLoadedFrom() throws IOException {
        Path cache = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

        IOException e = assertThrows(IOException.class,
                () -> NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache));
        assertTrue(e.getMessage().contains("writable by others"), e.getMessage());

        System.clearProperty(NativeLibraryCache.NATIVE_PATH);
        NativeLibraryCache.use(cache);
        assertNull(System.getProperty(NativeLibraryCache.NATIVE_PATH));
    }

    @Test
    void aLinkInPlaceOfALibraryIsRefused() throws IOException {
        Path cache = tmp.resolve("cache");
        Path dir = NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache);
        Path elsewhere = Files.writeString(tmp.resolve("planted.so"), "runtime");
        Files.delete(dir.resolve("libonnxruntime.so"));
        Files.createSymbolicLink(dir.resolve("libonnxruntime.so"), elsewhere);

        IOException e = assertThrows(IOException.class,
                () -> NativeLibraryCache.unpack(jar("onnxruntime-1.0", LINUX), "linux-x64", cache));
        assertTrue(e.getMessage().contains("is a link"), e.getMessage());
    }

    @Test
    void aJarWithoutThisPlatformLeavesLoadingToOnnxRuntime() throws IOException {
        Path jar = jar("onnxruntime-1.0", Map.of("ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib", "mac"));

        assertNull(NativeLibraryCache.unpack(jar, "linux-x64", tmp.resolve("cache")));
        assertTrue(Files.notExists(tmp.resolve("cache")));
    }

    @Test
    void pointsOnnxRuntimeAtTheUnpackedRealLibraries() throws IOException {
        System.clearProperty(NativeLibraryCache.NATIVE_PATH);

        NativeLibraryCache.use(tmp);

        Path dir = Path.of(System.getProperty(NativeLibraryCache.NATIVE_PATH));
        assertTrue(dir.startsWith(tmp.resolve("native")), dir.toString());
        assertEquals(NativeLibraryCache.platform(), dir.getFileName().toString());
        assertTrue(Files.size(dir.resolve(System.mapLibraryName("onnxruntime"))) > 1_000_000);
        assertTrue(Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime4j_jni"))));
    }

    @Test
    void anOperatorsOwnLibraryPathWins() {
        System.setProperty(NativeLibraryCache.NATIVE_PATH, "/opt/onnxruntime/lib");

        NativeLibraryCache.use(tmp);

        assertEquals("/opt/onnxruntime/lib", System.getProperty(NativeLibraryCache.NATIVE_PATH));
        assertTrue(Files.notExists(tmp.resolve("native")));
    }

    private Path jar(String stem, Map<String, String> entries) throws IOException {
        Path jar = Files.createTempDirectory(tmp, "jar").resolve(stem + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
