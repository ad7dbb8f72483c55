package io.meshinfer.models.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;

import io.meshinfer.models.ModelException;
import io.meshinfer.models.discovery.GraphSignature;
import io.meshinfer.models.discovery.TensorSpec;

/**
 * The process's one ONNX Runtime environment and the way every model session is opened.
 *
 * <p>With several models the environment owns a global thread pool shared by all sessions, so that two models do
 * not each start a pool the size of the machine. Thread-safe.
 */
public final class OrtRuntime {
    private static final Logger LOG = Logger.getLogger(OrtRuntime.class.getName());

    private final OrtEnvironment environment;
    private final ExecutionSettings settings;
    private final boolean globalThreads;

    private OrtRuntime(OrtEnvironment environment, ExecutionSettings settings, boolean globalThreads) {
        this.environment = environment;
        this.settings = settings;
        this.globalThreads = globalThreads;
    }

    /**
     * Creates the environment.
     *
     * @param settings   execution settings for every session
     * @param modelCount how many models will be opened; more than one switches to a global thread pool
     */
    public static OrtRuntime create(ExecutionSettings settings, int modelCount) {
        OrtTelemetry.disable();
        boolean global = modelCount > 1;
        try {
            if (global) {
                OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions();
                threading.setGlobalIntraOpNumThreads(settings.intraOpThreads());
                threading.setGlobalInterOpNumThreads(1);
                threading.setGlobalSpinControl(settings.allowSpinning());
                try {
                    return new OrtRuntime(quiet(OrtEnvironment.getEnvironment(
                            OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "meshinfer", threading)), settings, true);
                } catch (IllegalStateException e) {
                    // ONNX Runtime allows one environment per process and its thread pool is fixed at creation;
                    // only a second server in the same JVM (tests, embedding) gets here.
                    LOG.warning("ONNX Runtime environment already exists; using per-session thread pools");
                }
            }
            return new OrtRuntime(quiet(OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                                                                      "meshinfer")), settings, false);
        } catch (OrtException e) {
            throw new ModelException("cannot create the ONNX Runtime environment: " + e.getMessage(), e);
        }
    }

    // Telemetry events off in the environment too, wherever OrtTelemetry could not stop the collector starting.
    private static OrtEnvironment quiet(OrtEnvironment environment) {
        try {
            environment.setTelemetry(false);
        } catch (OrtException e) {
            LOG.warning("cannot switch ONNX Runtime's telemetry events off: " + e.getMessage());
        }
        return environment;
    }

    /** The shared environment (tensors must be created in it). */
    public OrtEnvironment environment() {
        return environment;
    }

    /**
     * Opens one graph with graph optimisation on and the configured device and threads.
     *
     * @throws ModelException when the graph cannot be loaded or the device cannot be used
     */
    public ModelSession open(Path onnxFile) {
        try {
            Set<String> providers = OrtEnvironment.getAvailableProviders().stream()
                    .map(OrtProvider::name)
                    .collect(Collectors.toSet());
            ProviderSelection.Choice<OrtSession> choice = ProviderSelection.open(
                    settings.device(), providers, device -> createSession(onnxFile, device),
                    settings.allowCpuFallback());
            if (!choice.fallback().isEmpty()) {
                LOG.warning(choice.fallback() + "; running on the CPU because CPU fallback is allowed");
            }
            try {
                return new ModelSession(environment, choice.session(), signature(choice.session()), choice.device());
            } catch (OrtException | RuntimeException e) {
                choice.session().close();
                throw e;
            }
        } catch (ModelException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelException("cannot load " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    private OrtSession createSession(Path onnxFile, Device device) throws OrtException {
        // The session copies its options when created; they may be closed at once while no custom-op library is
        // registered in them.
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            configure(options, device);
            return environment.createSession(onnxFile.toString(), options);
        }
    }

    /** Graph optimisation on, the configured threads, and the device's execution provider. */
    void configure(OrtSession.SessionOptions options, Device device) throws OrtException {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        if (globalThreads) {
            options.disablePerSessionThreads();
        } else {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            String spin = settings.allowSpinning() ? "1" : "0";
            options.addConfigEntry("session.intra_op.allow_spinning", spin);
            options.addConfigEntry("session.inter_op.allow_spinning", spin);
        }
        if (device.kind() == Device.Kind.CUDA) {
            options.addCUDA(device.index());
        }
    }

    private static GraphSignature signature(OrtSession session) throws OrtException {
        return new GraphSignature(specs(session.getInputInfo()), specs(session.getOutputInfo()));
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : nodes.values()) {
            ValueInfo info = node.getInfo();
            if (info instanceof TensorInfo tensor) {
                List<Long> shape = new ArrayList<>();
                for (long d : tensor.getShape()) {
                    shape.add(d);
                }
                specs.add(new TensorSpec(node.getName(), tensor.type.name(), shape));
            } else {
                specs.add(new TensorSpec(node.getName(), info.getClass().getSimpleName(), List.of()));
            }
        }
        return specs;
    }
}
