package io.meshinfer.models.runtime;

import java.util.Set;

import io.meshinfer.models.ModelException;

/**
 * Chooses the execution provider for the wanted device from what this ONNX Runtime build offers.
 *
 * <p>Closed by default: a wanted GPU that cannot be used stops the start, with what is missing, unless CPU fallback
 * was asked for explicitly.
 */
final class ProviderSelection {
    /**
     * Opens a session for a device: on a GPU, attaching its execution provider and creating the session (either can
     * fail when CUDA is not usable).
     */
    interface Opener<S> {
        S open(Device device) throws Exception;
    }

    /**
     * The outcome of a selection.
     *
     * @param session  the opened session
     * @param device   where the model will run
     * @param fallback why the CPU was used instead of the wanted GPU; empty when there was no fallback
     */
    record Choice<S>(S session, Device device, String fallback) {
    }

    private ProviderSelection() {
    }

    /**
     * Opens the session on the wanted device, or on the CPU when the GPU cannot be used and fallback is allowed.
     *
     * @param wanted    the device asked for
     * @param available the names of the providers this build has ({@code CUDA}, {@code CPU}, ...)
     * @param opener    opens a session on a device
     * @param fallback  whether the CPU may be used when CUDA cannot
     * @throws ModelException when the GPU cannot be used and fallback is not allowed
     * @throws Exception      what the opener throws on the CPU
     */
    static <S> Choice<S> open(Device wanted, Set<String> available, Opener<S> opener, boolean fallback)
            throws Exception {
        if (wanted.kind() == Device.Kind.CPU) {
            return new Choice<>(opener.open(Device.CPU), Device.CPU, "");
        }
        String problem;
        Exception cause = null;
        if (!available.contains("CUDA")) {
            problem = "this build of ONNX Runtime has no CUDA execution provider (providers: " + available
                    + "); build with the 'gpu' Maven profile (./meshinfer build --gpu) to use onnxruntime_gpu";
        } else {
            try {
                return new Choice<>(opener.open(wanted), wanted, "");
            } catch (Exception e) {
                cause = e;
                problem = "the model could not be opened on " + wanted + " with the CUDA execution provider: "
                        + e.getMessage() + " (CUDA needs the CUDA 12 runtime and cuDNN 9 libraries on the library "
                        + "path and a visible GPU)";
            }
        }
        if (!fallback) {
            throw new ModelException(problem + "; pass --allow-cpu-fallback to run on the CPU instead", cause);
        }
        return new Choice<>(opener.open(Device.CPU), Device.CPU, problem);
    }
}
