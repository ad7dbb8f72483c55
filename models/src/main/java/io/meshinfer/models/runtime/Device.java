package io.meshinfer.models.runtime;

import java.util.Locale;

/**
 * Where a model runs: the CPU, or one CUDA device.
 *
 * @param kind  CPU or CUDA
 * @param index the CUDA device ordinal (0 for the CPU)
 */
public record Device(Kind kind, int index) {
    public static final Device CPU = new Device(Kind.CPU, 0);

    public enum Kind { CPU, CUDA }

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must not be negative, was " + index);
        }
    }

    /**
     * Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}.
     *
     * @throws IllegalArgumentException with the accepted forms when the value is none of them
     */
    public static Device parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return CPU;
        }
        if (v.equals("cuda")) {
            return new Device(Kind.CUDA, 0);
        }
        if (v.startsWith("cuda:")) {
            try {
                int index = Integer.parseInt(v.substring(5));
                if (index >= 0) {
                    return new Device(Kind.CUDA, index);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("invalid device '" + value + "'; accepted: cpu, cuda, cuda:N");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
