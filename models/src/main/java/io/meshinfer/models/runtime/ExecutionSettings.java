package io.meshinfer.models.runtime;

/**
 * How ONNX Runtime executes every model of this process.
 *
 * @param device           where models run
 * @param allowCpuFallback run on the CPU when the wanted GPU cannot be used, instead of refusing to start
 * @param intraOpThreads   threads per operator; 0 lets ONNX Runtime use one per physical core
 * @param allowSpinning    let idle ONNX Runtime threads spin: lower latency, but burns CPU between requests
 */
public record ExecutionSettings(Device device, boolean allowCpuFallback, int intraOpThreads, boolean allowSpinning) {
    public static final ExecutionSettings DEFAULT = new ExecutionSettings(Device.CPU, false, 0, false);

    public ExecutionSettings {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must not be negative, was " + intraOpThreads);
        }
    }
}
