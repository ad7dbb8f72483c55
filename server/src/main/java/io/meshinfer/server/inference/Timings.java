package io.meshinfer.server.inference;

import java.util.Arrays;
import java.util.Optional;

import io.meshinfer.models.ModelTask;

/**
 * Where one request's time went, by phase. Started when the request reaches the server (the authorization filter
 * when there is one), written by the request's own thread only.
 *
 * <p>Queue and inference are the longest of the request's inputs: inputs wait and run in parallel batches, so their
 * sum would overstate what the caller waited.
 */
public final class Timings {
    private final long startNanos = System.nanoTime();
    private long authzNanos;
    private long tokenizationNanos;
    private long queueNanos;
    private long inferenceNanos;
    private static final int[] NO_INPUTS = {};

    private int characters;
    private int inputs;
    private int[] inputTokens = NO_INPUTS;
    private ModelTask task;
    private InputShape shape;

    /** Time the caller's authorization took (mTLS listener only). */
    public void recordAuthz(long nanos) {
        authzNanos = nanos;
    }

    public long authzNanos() {
        return authzNanos;
    }

    /**
     * Inputs tokenized for a model of this task.
     *
     * @param lengths each input's tokens (after truncation)
     */
    public void addTokenization(ModelTask modelTask, long nanos, int[] lengths, int characterCount) {
        task = modelTask;
        tokenizationNanos += nanos;
        inputTokens = Arrays.copyOf(inputTokens, inputs + lengths.length);
        System.arraycopy(lengths, 0, inputTokens, inputs, lengths.length);
        inputs += lengths.length;
        characters += characterCount;
    }

    /** The form the request's inputs came in, once its body has been read as its route's. */
    public void recordShape(InputShape inputShape) {
        shape = inputShape;
    }

    /**
     * The form of the request's inputs; empty when its body was not of its route's form, was never read, or named a
     * model that does not exist.
     */
    public Optional<InputShape> shape() {
        return Optional.ofNullable(shape);
    }

    /** The task of the model the request's inputs were tokenized for; empty when none was. */
    public Optional<ModelTask> task() {
        return Optional.ofNullable(task);
    }

    /** The tokens of input {@code i}, in the order the inputs were tokenized. */
    public int inputTokens(int i) {
        return inputTokens[i];
    }

    /** Inputs the request carried (texts, pairs or token-id lists). */
    public int inputs() {
        return inputs;
    }

    public void recordInference(long queue, long inference) {
        queueNanos = Math.max(queueNanos, queue);
        inferenceNanos = Math.max(inferenceNanos, inference);
    }

    /** The request's arrival, on {@link System#nanoTime()}'s clock. */
    public long startNanos() {
        return startNanos;
    }

    public long totalNanos() {
        return System.nanoTime() - startNanos;
    }

    public long tokenizationNanos() {
        return tokenizationNanos;
    }

    public long queueNanos() {
        return queueNanos;
    }

    public long inferenceNanos() {
        return inferenceNanos;
    }

    /** Tokens the request's inputs had (after truncation). */
    public int tokens() {
        int tokens = 0;
        for (int i = 0; i < inputs; i++) {
            tokens += inputTokens[i];
        }
        return tokens;
    }

    /** Characters (code points) of the request's text inputs. */
    public int characters() {
        return characters;
    }
}
