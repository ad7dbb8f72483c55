package io.meshinfer.server.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import io.helidon.http.Status;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.Models;
import io.meshinfer.models.batch.InferenceException;
import io.meshinfer.models.batch.Readout;
import io.meshinfer.models.batch.ShutdownException;
import io.meshinfer.server.http.ApiException;
import io.meshinfer.server.http.ErrorType;
import io.meshinfer.server.http.Inputs;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TokenizerException;
import io.meshinfer.tokenizers.TruncationDirection;

/**
 * The bridge from a parsed request to the models: model lookup, tokenization on the caller's thread, the batched
 * graph call, and the mapping of every failure to the status TEI answers with. Thread-safe.
 */
public final class Inference {
    private static final Status CLIENT_CLOSED = Status.create(499, "Client Closed Request");
    private final Models models;
    private final boolean autoTruncate;

    public Inference(Models models, boolean autoTruncate) {
        this.models = models;
        this.autoTruncate = autoTruncate;
    }

    public Models models() {
        return models;
    }

    /**
     * The named model, or the default one.
     *
     * @throws ApiException 404 for an unknown name
     */
    public Model model(Optional<String> name) {
        if (name.isEmpty()) {
            return models.defaultModel();
        }
        return models.get(name.get()).orElseThrow(() -> new ApiException(
                Status.NOT_FOUND_404, ErrorType.NOT_FOUND, "model '" + name.get() + "' is not served here; models: "
                + models.all().stream().map(Model::name).sorted().toList(), "model"));
    }

    /** Whether to truncate when the request says nothing. */
    public boolean truncate(Optional<Boolean> requested) {
        return requested.orElse(autoTruncate);
    }

    /**
     * Tokenizes inputs (texts, or token ids taken as they are, already checked against the vocabulary by
     * {@link Inputs#parse}) with the model's length limit, for the graph: the model's batcher is told they are coming.
     * The encodings carry what the graph reads and no token texts or offsets (an embedding route answers with
     * vectors only), which saves a third of a short sentence's tokenization.
     *
     * @throws ApiException 422 for an over-long input without truncation (too many tokens, or characters:
     *                      {@link io.meshinfer.tokenizers.TextTokenizer#maxCharacters()}), or a text the tokenizer
     *                      rejects
     */
    public List<Encoding> tokenize(Model model, List<Inputs.Input> inputs, boolean truncate,
                                   TruncationDirection direction, Timings timings) {
        model.expect();
        return timed(model, inputs.size(), timings, i -> {
            Inputs.Input input = inputs.get(i);
            if (input.text() != null) {
                return model.tokenizer().encodeIds(input.text(), truncate, direction);
            }
            return model.tokenizer().fromIds(input.ids(), truncate, direction);
        }, i -> inputs.get(i).text());
    }

    /**
     * Tokenizes text pairs ({@code firsts[i]}, {@code seconds[i]}) for cross-encoders and pair classifiers; a null
     * {@code seconds[i]} makes that input a single text. The model's batcher is told they are coming, as by
     * {@link #tokenize}.
     *
     * @throws ApiException as {@link #tokenize}
     */
    public List<Encoding> tokenizePairs(Model model, List<String> firsts, List<String> seconds, boolean truncate,
                                        TruncationDirection direction, Timings timings) {
        model.expect();
        return timed(model, firsts.size(), timings, i -> seconds.get(i) == null
                             ? model.tokenizer().encode(firsts.get(i), truncate, direction)
                             : model.tokenizer().encodePair(firsts.get(i), seconds.get(i), truncate, direction),
                     i -> seconds.get(i) == null ? firsts.get(i) : firsts.get(i) + seconds.get(i));
    }

    private static List<Encoding> timed(Model model, int count, Timings timings, IntFunction<Encoding> encode,
                                        IntFunction<String> text) {
        long start = System.nanoTime();
        List<Encoding> encodings = new ArrayList<>(count);
        int[] lengths = new int[count];
        int characters = 0;
        try {
            for (int i = 0; i < count; i++) {
                Encoding e = encode.apply(i);
                encodings.add(e);
                lengths[i] = e.length();
                String t = text.apply(i);
                characters += t == null ? 0 : t.codePointCount(0, t.length());
            }
        } catch (TokenizerException e) {
            throw ApiException.tokenizer(e);
        }
        timings.addTokenization(model.description().task(), System.nanoTime() - start, lengths, characters);
        return encodings;
    }

    /**
     * Runs inputs through the model's batcher and waits for all of them, or until the caller stops waiting.
     *
     * @param readout the graph output wanted
     * @param wait the caller's wait: its inputs not yet run are dropped once it is over, and it is marked over here
     *             when the waiting thread is interrupted or the deadline passes; when the model is busy, the
     *             caller's connection is watched from the start
     * @throws ApiException 424 when inference fails, 503 when the model is shutting down, 504 when the caller's
     *                      deadline passes first
     */
    public List<ModelOutput> run(Model model, List<Encoding> encodings, Readout readout, CallerWait wait,
                                 Timings timings) {
        List<CompletableFuture<ModelOutput>> futures = new ArrayList<>(encodings.size());
        boolean queued = model.busy();
        for (Encoding e : encodings) {
            futures.add(model.submit(e, readout, wait::over));
        }
        if (queued) {
            // Behind other work there is time to hang up: watch the connection from now on.
            wait.hungUp();
        }
        List<ModelOutput> outputs = new ArrayList<>(futures.size());
        for (CompletableFuture<ModelOutput> future : futures) {
            try {
                ModelOutput output = wait.hasDeadline()
                        ? future.get(wait.remainingNanos(), TimeUnit.NANOSECONDS) : future.get();
                timings.recordInference(output.queueNanos(), output.inferenceNanos());
                outputs.add(output);
            } catch (ExecutionException e) {
                throw failure(e.getCause(), wait);
            } catch (TimeoutException e) {
                wait.abandon();
                throw deadlineExceeded(wait);
            } catch (InterruptedException | CancellationException e) {
                wait.abandon();
                Thread.currentThread().interrupt();
                throw new ApiException(Status.SERVICE_UNAVAILABLE_503, ErrorType.UNHEALTHY, "request interrupted");
            }
        }
        return outputs;
    }

    private static ApiException failure(Throwable cause, CallerWait wait) {
        if (cause instanceof ShutdownException) {
            return new ApiException(Status.SERVICE_UNAVAILABLE_503, ErrorType.UNHEALTHY, cause.getMessage());
        }
        if (wait.deadlinePassed()) {
            // The batcher dropped the input because the deadline passed while it was queued.
            return deadlineExceeded(wait);
        }
        if (wait.hungUp()) {
            // Nobody reads this answer; the status is for the logs and metrics, as nginx's 499.
            return new ApiException(CLIENT_CLOSED, ErrorType.CLIENT_CLOSED, "the caller hung up before inference; "
                    + "its inputs not yet run were dropped");
        }
        String message = cause instanceof InferenceException ? cause.getMessage() : "inference failed: " + cause;
        return new ApiException(Status.FAILED_DEPENDENCY_424, ErrorType.BACKEND, message);
    }

    private static ApiException deadlineExceeded(CallerWait wait) {
        return new ApiException(Status.GATEWAY_TIMEOUT_504, ErrorType.TIMEOUT, "the caller's deadline of "
                + wait.budgetMillis() + " ms passed before inference finished; inputs not yet run were dropped");
    }
}
