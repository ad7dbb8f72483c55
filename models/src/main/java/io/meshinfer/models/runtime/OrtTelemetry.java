package io.meshinfer.models.runtime;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * ONNX Runtime's telemetry, off. Its Linux build starts Microsoft's event collector with every environment: it
 * keeps a device id and an event database under {@code ~/.cache/Microsoft/DeveloperTools}, writes
 * {@code /tmp/mat-debug-PID.log}, reads {@code /etc/machine-id} and the process's command line (and, given a long
 * one, overflows the calling thread's stack), and uploads to {@code mobile.events.data.microsoft.com}. A model server
 * that promises to fetch nothing at run time sends nothing either.
 *
 * <p>ONNX Runtime reads {@code ORT_DISABLE_TELEMETRY} from the process environment, which Java cannot change; this
 * sets it to 1 through libc unless the operator set it already (any value they give is theirs to choose). The
 * launcher, the container image and the build set it too; this covers {@code java -jar} and embedding. Call it before
 * starting threads that may read the environment: {@code setenv} is not safe against a concurrent {@code getenv}.
 */
public final class OrtTelemetry {
    private static final Logger LOG = Logger.getLogger(OrtTelemetry.class.getName());
    static final String VARIABLE = "ORT_DISABLE_TELEMETRY";
    // Read and written under the class's lock (disable is synchronized).
    private static boolean done;

    private OrtTelemetry() {
    }

    /** Turns the telemetry off for this process, before the first ONNX Runtime environment; idempotent. */
    public static synchronized void disable() {
        if (done) {
            return;
        }
        done = true;
        if (System.getenv(VARIABLE) != null || System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
                .startsWith("windows")) {
            return;
        }
        try {
            if (LibC.INSTANCE.setenv(VARIABLE, "1", 0) != 0) {
                LOG.warning("cannot set " + VARIABLE + "; ONNX Runtime's telemetry may run: set it in the "
                                    + "environment");
            }
        } catch (LinkageError e) {
            LOG.log(Level.WARNING, "cannot reach libc to set " + VARIABLE + " (" + e + "); ONNX Runtime's "
                    + "telemetry may run: set it in the environment", e);
        }
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);
    }
}
