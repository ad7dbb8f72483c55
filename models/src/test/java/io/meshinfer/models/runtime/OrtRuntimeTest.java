package io.meshinfer.models.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a session is opened with: ONNX Runtime's idle spinning follows {@code --allow-spinning}, off by default. */
class OrtRuntimeTest {
    @Test
    void idleThreadsDoNotSpinUnlessAsked() throws OrtException {
        assertEquals("0", spinning(ExecutionSettings.DEFAULT));
        assertEquals("1", spinning(new ExecutionSettings(Device.CPU, false, 0, true)));
    }

    private static String spinning(ExecutionSettings settings) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            OrtRuntime.create(settings, 1).configure(options, Device.CPU);
            assertEquals(options.getConfigEntries().get("session.intra_op.allow_spinning"),
                         options.getConfigEntries().get("session.inter_op.allow_spinning"));
            return options.getConfigEntries().get("session.intra_op.allow_spinning");
        }
    }
}
