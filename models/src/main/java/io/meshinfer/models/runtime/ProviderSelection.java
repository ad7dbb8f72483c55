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
    /** Adds a CUDA execution provider to a session's options; fails when CUDA cannot be initialised. */
    interface CudaAttach {
        void attach(int deviceIndex) throws Exception;
    }

    /**
     * The outcome of a selection.
     *
     * @param device   where the model will run
     * @param fallback why the CPU was used instead of the wanted GPU; empty when there was no fallback
     */
    record Choice(Device device, String fallback) {
    }

    private ProviderSelection() {
    }

    /**
     * Selects and attaches the provider.
     *
     * @param wanted    the device asked for
     * @param available the names of the providers this build has ({@code CUDA}, {@code CPU}, ...)
     * @param cuda      attaches CUDA to the session options
     * @param fallback  whether the CPU may be used when CUDA cannot
     */
    static Choice select(Device wanted, Set<String> available, CudaAttach cuda, boolean fallback) {
        if (wanted.kind() == Device.Kind.CPU) {
            return new Choice(Device.CPU, "");
        }
        String problem;
        if (!available.contains("CUDA")) {
            problem = "this build of ONNX Runtime has no CUDA execution provider (providers: " + available
                    + "); build with the 'gpu' Maven profile (./meshinfer build --gpu) to use onnxruntime_gpu";
        } else {
            try {
                cuda.attach(wanted.index());
                return new Choice(wanted, "");
            } catch (Exception e) {
                problem = "CUDA execution provider could not be initialised on " + wanted + ": " + e.getMessage()
                        + " (it needs the CUDA 12 runtime and cuDNN 9 libraries on the library path and a "
                        + "visible GPU)";
            }
        }
        if (!fallback) {
            throw new ModelException(problem + "; pass --allow-cpu-fallback to run on the CPU instead");
        }
        return new Choice(Device.CPU, problem);
    }
}
