package io.meshinfer.models.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX Runtime's libraries are unpacked once per jar and platform, and a cached copy is used only when intact. */
class NativeLibraryCacheTest {
    @TempDir
    Path tmp;

    @Test
    void unpacksOnlyThisPlatformsLibraries() throws IOException {
        Path jar = jar(Map.of(
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "runtime",
                "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so", "binding",
                "ai/onnxruntime/native/linux-x64/extra/notes.txt", "nested",
                "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so", "other platform",
                "ai/onnxruntime/OrtEnvironment.class", "class"));

        Path dir = NativeLibraryCache.unpack(jar, "linux-x64", tmp.resolve("cache/native/ort/linux-x64"));

        assertEquals(List.of("libonnxruntime.so", "libonnxruntime4j_jni.so"), names(dir));
        assertEquals("runtime", Files.readString(dir.resolve("libonnxruntime.so")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void keepsAnIntactCopyAndReplacesADamagedOne() throws IOException {
        Path jar = jar(Map.of("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "runtime",
                              "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so", "binding"));
        Path dir = NativeLibraryCache.unpack(jar, "linux-x64", tmp.resolve("native"));
        FileTime longAgo = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(dir.resolve("libonnxruntime4j_jni.so"), longAgo);
        Files.writeString(dir.resolve("libonnxruntime.so"), "runtimX");

        NativeLibraryCache.unpack(jar, "linux-x64", dir);

        assertEquals("runtime", Files.readString(dir.resolve("libonnxruntime.so")));
        assertEquals(longAgo, Files.getLastModifiedTime(dir.resolve("libonnxruntime4j_jni.so")));
        assertEquals(List.of("libonnxruntime.so", "libonnxruntime4j_jni.so"), names(dir));
    }

    @Test
    void aJarWithoutThisPlatformLeavesLoadingToOnnxRuntime() throws IOException {
        Path jar = jar(Map.of("ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib", "mac"));

        assertNull(NativeLibraryCache.unpack(jar, "linux-x64", tmp.resolve("native")));
        assertTrue(Files.notExists(tmp.resolve("native")));
    }

    @Test
    void pointsOnnxRuntimeAtTheUnpackedRealLibraries() {
        String before = System.getProperty(NativeLibraryCache.NATIVE_PATH);
        System.clearProperty(NativeLibraryCache.NATIVE_PATH);
        try {
            NativeLibraryCache.use(tmp);

            Path dir = Path.of(System.getProperty(NativeLibraryCache.NATIVE_PATH));
            assertTrue(dir.startsWith(tmp.resolve("native")), dir.toString());
            assertEquals(NativeLibraryCache.platform(), dir.getFileName().toString());
            assertTrue(Files.size(dir.resolve(System.mapLibraryName("onnxruntime"))) > 1_000_000);
            assertTrue(Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime4j_jni"))));
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            // Whether or not this JVM's ONNX Runtime is loaded yet, later tests must not load it from a deleted
            // temporary directory.
            if (before == null) {
                System.clearProperty(NativeLibraryCache.NATIVE_PATH);
            } else {
                System.setProperty(NativeLibraryCache.NATIVE_PATH, before);
            }
        }
    }

    @Test
    void anOperatorsOwnLibraryPathWins() {
        String before = System.getProperty(NativeLibraryCache.NATIVE_PATH);
        System.setProperty(NativeLibraryCache.NATIVE_PATH, "/opt/onnxruntime/lib");
        try {
            NativeLibraryCache.use(tmp);

            assertEquals("/opt/onnxruntime/lib", System.getProperty(NativeLibraryCache.NATIVE_PATH));
            assertTrue(Files.notExists(tmp.resolve("native")));
        } finally {
            if (before == null) {
                System.clearProperty(NativeLibraryCache.NATIVE_PATH);
            } else {
                System.setProperty(NativeLibraryCache.NATIVE_PATH, before);
            }
        }
    }

    private Path jar(Map<String, String> entries) throws IOException {
        Path jar = Files.createTempFile(tmp, "onnxruntime-test", ".jar");
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
