package io.meshinfer.bench;

import java.nio.file.Path;

import io.meshinfer.models.runtime.ExecutionSettings;
import io.meshinfer.models.runtime.ModelSession;
import io.meshinfer.models.runtime.NativeLibraryCache;
import io.meshinfer.models.runtime.OrtRuntime;
import io.meshinfer.server.config.ServerConfig;

/**
 * The memory baseline: a process that only opens one ONNX Runtime session as the server does, then waits.
 * The load harness reads its RSS and compares the server's with it.
 */
public final class BareSession {
    private BareSession() {
    }

    public static void main(String[] args) throws Exception {
        NativeLibraryCache.use(ServerConfig.defaults().cacheDir());
        ModelSession session = OrtRuntime.create(ExecutionSettings.DEFAULT, 1).open(Path.of(args[0]));
        System.out.println("ready " + session.signature().inputs().size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
