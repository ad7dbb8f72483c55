package io.meshinfer.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import io.meshinfer.models.batch.BatchListener;
import io.meshinfer.models.batch.BatchPolicy;
import io.meshinfer.models.runtime.ExecutionSettings;
import io.meshinfer.models.runtime.NativeLibraryCache;
import io.meshinfer.models.runtime.OrtRuntime;

/**
 * Every model this process serves, by name, with one default. All share one ONNX Runtime environment.
 * Immutable once loaded; thread-safe.
 */
public final class Models implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Models.class.getName());

    private final Map<String, Model> byName;
    private final Model defaultModel;

    private Models(Map<String, Model> byName, Model defaultModel) {
        this.byName = byName;
        this.defaultModel = defaultModel;
    }

    /**
     * Loads all models; on any failure the ones already loaded are closed.
     *
     * @param sources      the models, in order; names must be unique
     * @param defaultName  the model served on the un-prefixed routes; empty for the first
     * @param execution    device and threads
     * @param policy       batching, the same for every model
     * @param listener     batch metrics
     * @param cacheDir     where built-in models and ONNX Runtime's libraries are unpacked
     * @throws ModelException when a model cannot be loaded or the default is not among them
     */
    public static Models load(List<ModelSource> sources, Optional<String> defaultName, ExecutionSettings execution,
                              BatchPolicy policy, BatchListener listener, Path cacheDir) {
        if (sources.isEmpty()) {
            throw new ModelException("no model to serve");
        }
        NativeLibraryCache.use(cacheDir);
        OrtRuntime runtime = OrtRuntime.create(execution, sources.size());
        Map<String, Model> byName = new LinkedHashMap<>();
        List<Model> loaded = new ArrayList<>();
        try {
            for (ModelSource source : sources) {
                if (byName.containsKey(source.name())) {
                    throw new ModelException("two models are named '" + source.name() + "'");
                }
                Model model = Model.load(source, runtime, policy, listener, cacheDir);
                loaded.add(model);
                byName.put(source.name(), model);
                ModelDescription d = model.description();
                d.warnings().forEach(w -> LOG.warning("model " + d.name() + ": " + w));
                LOG.info("loaded model " + d.name() + " (" + d.task().label() + ", " + d.modelType() + ", max "
                                 + d.maxLength() + " tokens, " + model.device() + ") from " + d.onnxFile());
            }
            String wanted = defaultName.orElse(sources.getFirst().name());
            Model defaultModel = byName.get(wanted);
            if (defaultModel == null) {
                throw new ModelException("default model '" + wanted + "' is not among the models: " + byName.keySet());
            }
            return new Models(Map.copyOf(byName), defaultModel);
        } catch (RuntimeException e) {
            loaded.forEach(Model::close);
            throw e;
        }
    }

    public Model defaultModel() {
        return defaultModel;
    }

    public Optional<Model> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Model> all() {
        return byName.values();
    }

    @Override
    public void close() {
        byName.values().forEach(Model::close);
    }
}
