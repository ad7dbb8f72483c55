package io.meshinfer.models;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import io.meshinfer.models.batch.BatchListener;
import io.meshinfer.models.batch.BatchPolicy;
import io.meshinfer.models.batch.Batcher;
import io.meshinfer.models.batch.Readout;
import io.meshinfer.models.builtin.BuiltinModels;
import io.meshinfer.models.discovery.DirectoryConfigReader;
import io.meshinfer.models.discovery.Discovery;
import io.meshinfer.models.discovery.OnnxFiles;
import io.meshinfer.models.runtime.Device;
import io.meshinfer.models.runtime.ModelSession;
import io.meshinfer.models.runtime.OrtRuntime;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TextTokenizer;
import io.meshinfer.tokenizers.TokenizerException;

/**
 * One served model: its description, tokenizer, ONNX session and batcher.
 *
 * <p>Pre-processing (the {@link #tokenizer()}), the graph call ({@link #submit}) and post-processing (the task heads)
 * are separate steps, so the caller tokenizes on its own thread and only the graph call is serialised.
 * Thread-safe.
 */
public final class Model implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Model.class.getName());

    private final ModelDescription description;
    private final TextTokenizer tokenizer;
    private final ModelSession session;
    private final Batcher batcher;
    private final Map<String, Integer> promptTokensOutOfPooling;

    private Model(ModelDescription description, TextTokenizer tokenizer, ModelSession session, Batcher batcher) {
        this.description = description;
        this.tokenizer = tokenizer;
        this.session = session;
        this.batcher = batcher;
        this.promptTokensOutOfPooling = description.poolingIncludesPrompt() ? Map.of()
                : description.prompts().values().stream().filter(p -> !p.isEmpty()).distinct().collect(
                        Collectors.toUnmodifiableMap(p -> p, p -> tokenizer.encodeRaw(p, true).length() - 1));
    }

    /**
     * Loads a model: locates its directory (extracting a built-in one), opens the graph, discovers how to serve it,
     * loads the tokenizer and starts the batcher.
     *
     * @throws ModelException when anything about the model is missing or unsupported
     */
    public static Model load(ModelSource source, OrtRuntime runtime, BatchPolicy policy, BatchListener listener,
                             Path cacheDir) {
        Path dir = source.builtin()
                ? BuiltinModels.directory(source.location().substring(ModelSource.BUILTIN_PREFIX.length()), cacheDir)
                : Path.of(source.location()).toAbsolutePath().normalize();
        Path onnx = OnnxFiles.locate(dir, source.variant());
        var config = DirectoryConfigReader.read(dir);
        ModelSession session = runtime.open(onnx);
        try {
            ModelDescription description = Discovery.describe(source.name(), dir, onnx, config, session.signature(),
                                                              source.pooling());
            TextTokenizer tokenizer;
            try {
                tokenizer = TextTokenizer.load(description.tokenizerFile(), description.maxLength());
            } catch (TokenizerException e) {
                throw new ModelException("model " + source.name() + ": " + e.getMessage(), e);
            }
            Batcher batcher = new Batcher(description, session, policy, listener);
            return new Model(description, tokenizer, session, batcher);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public ModelDescription description() {
        return description;
    }

    public String name() {
        return description.name();
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The leading tokens a prompt adds that pooling leaves out: none unless the Pooling module says
     * {@code include_prompt: false}; then, as sentence-transformers counts them, the prompt's own tokens with the
     * special token before them. Counted once, at load, for each of the model's prompts.
     */
    public int promptTokensOutOfPooling(String prompt) {
        return promptTokensOutOfPooling.getOrDefault(prompt, 0);
    }

    /** Where the graph runs. */
    public Device device() {
        return session.device();
    }

    /** The graph itself, for callers that measure it without batching (benches). */
    public ModelSession session() {
        return session;
    }

    /** Admits one request or refuses it at once; see {@link Batcher#admit()}. */
    public Batcher.Admission admit() {
        return batcher.admit();
    }

    /** Announces inputs about to be submitted, while they are tokenized; see {@link Batcher#expect()}. */
    public void expect() {
        batcher.expect();
    }

    /** Queues one tokenized input for the graph; see {@link Batcher#submit}. */
    public CompletableFuture<ModelOutput> submit(Encoding encoding, Readout readout, BooleanSupplier abandoned) {
        return batcher.submit(encoding, readout, abandoned);
    }

    /** Whether the model is running a batch or has inputs waiting: a new input will wait. */
    public boolean busy() {
        return batcher.busy();
    }

    /** Inputs waiting for a batch. */
    public int queueDepth() {
        return batcher.queueDepth();
    }

    @Override
    public void close() {
        batcher.close();
        if (batcher.running()) {
            // Freeing the session under a running batch would crash the process; the exit reclaims it instead.
            LOG.warning("model " + description.name() + ": a batch is still in the graph; its session stays open");
            return;
        }
        session.close();
        tokenizer.close();
    }
}
