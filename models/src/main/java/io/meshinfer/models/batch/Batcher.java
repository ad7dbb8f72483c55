package io.meshinfer.models.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.runtime.InputBuffers;
import io.meshinfer.models.runtime.ModelSession;
import io.meshinfer.tokenizers.Encoding;

/**
 * A model's dynamic batcher: inputs queue up, and one platform thread packs them into graph calls up to a token
 * budget and an input count, padding each batch to its longest member.
 *
 * <p>Admission is per request ({@link #admit()}): beyond {@link BatchPolicy#maxConcurrentRequests()} a request is
 * refused at once rather than queued, so overload shows as fast 429s instead of growing latency. An input whose
 * caller has gone away is dropped before it reaches the graph.
 *
 * <p>An idle batch thread sleeps, and waking a sleeping thread on an idle core costs tens of microseconds: a request
 * first {@linkplain #expect() announces} its inputs, so that the thread wakes while the request is tokenized, and
 * waits for them spinning for at most {@link #EXPECT_SPIN_NANOS}.
 *
 * <p>Thread-safe: {@link #submit} may be called from any number of threads. The graph runs only on the batch thread,
 * which owns the reused input buffers; JNI calls pin virtual threads, so that thread is a platform thread.
 */
public final class Batcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Batcher.class.getName());
    /** How long an announced input is waited for spinning: a short text's tokenization, with room to spare. */
    static final long EXPECT_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final ModelDescription model;
    private final ModelSession session;
    private final BatchPolicy policy;
    private final BatchListener listener;
    private final Semaphore admissions;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final InputBuffers buffers;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean working;
    private volatile boolean sleeping;
    private volatile long expectedAtNanos = System.nanoTime() - EXPECT_SPIN_NANOS;

    private record Job(Encoding encoding, Readout readout, CompletableFuture<ModelOutput> result, long enqueuedNanos,
                       BooleanSupplier abandoned) {
    }

    /** A request's admission; closing it makes room for another request. */
    public interface Admission extends AutoCloseable {
        @Override
        void close();
    }

    public Batcher(ModelDescription model, ModelSession session, BatchPolicy policy, BatchListener listener) {
        if (policy.maxBatchTokens() < model.maxLength()) {
            throw new IllegalArgumentException("max-batch-tokens (" + policy.maxBatchTokens() + ") must be at least "
                                                       + "the maximum input length of model " + model.name()
                                                       + " (" + model.maxLength() + ")");
        }
        this.model = model;
        this.session = session;
        this.policy = policy;
        this.listener = listener;
        this.admissions = new Semaphore(policy.maxConcurrentRequests());
        this.buffers = new InputBuffers(policy.maxBatchTokens());
        this.thread = Thread.ofPlatform().name("batcher-" + model.name()).daemon().unstarted(this::loop);
        thread.start();
    }

    /**
     * Admits one request, or refuses it at once.
     *
     * @throws OverloadedException when {@link BatchPolicy#maxConcurrentRequests()} requests are in progress
     */
    public Admission admit() {
        if (!admissions.tryAcquire()) {
            throw new OverloadedException(model.name(), policy.maxConcurrentRequests());
        }
        return admissions::release;
    }

    /**
     * Queues one input.
     *
     * @param encoding  the tokens, at most the model's maximum length
     * @param readout   the output wanted: inputs that want different ones still share batches
     * @param abandoned tells whether the caller has stopped waiting (gone away, or past its deadline); such an input
     *                  is dropped before inference
     * @return the graph's output for this input; fails with {@link InferenceException} when the graph fails or the
     *         caller went away, with {@link ShutdownException} when the model is closing
     * @throws IllegalArgumentException for {@link Readout#TOKENS} when the model has no per-token output
     */
    public CompletableFuture<ModelOutput> submit(Encoding encoding, Readout readout, BooleanSupplier abandoned) {
        if (readout == Readout.TOKENS && model.tokenOutput().isEmpty()) {
            throw new IllegalArgumentException("model " + model.name() + " has no per-token output");
        }
        CompletableFuture<ModelOutput> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new ShutdownException(model.name()));
            return result;
        }
        queue.add(new Job(encoding, readout, result, System.nanoTime(), abandoned));
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return result;
    }

    /**
     * Announces that inputs will be {@linkplain #submit submitted} shortly (their request is being tokenized). An
     * idle batch thread wakes now instead of when they arrive; a busy one is not disturbed.
     */
    public void expect() {
        expectedAtNanos = System.nanoTime();
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** Whether a batch is being packed or run, or inputs are waiting: a new input will wait. */
    public boolean busy() {
        return working || !queue.isEmpty();
    }

    /** Inputs waiting for a batch. */
    public int queueDepth() {
        return queue.size();
    }

    /** Whether the batch thread still runs: after {@link #close()}, a batch in the graph that outlasted its wait. */
    public boolean running() {
        return thread.isAlive();
    }

    /**
     * Stops taking inputs, answers the queued ones with {@link ShutdownException}, and waits up to 10 s for a batch in
     * the graph to finish; see {@link #running()}.
     */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Job job;
        while ((job = queue.poll()) != null) {
            job.result.completeExceptionally(new ShutdownException(model.name()));
        }
    }

    private void loop() {
        Job carried = null;
        List<Job> batch = new ArrayList<>();
        while (!closed) {
            try {
                Job first = carried != null ? carried : next();
                working = true;
                carried = null;
                if (dropIfAbandoned(first)) {
                    continue;
                }
                batch.add(first);
                carried = fill(batch);
                // A batch delay gives callers time to leave, or their deadlines time to pass, after they joined.
                batch.removeIf(this::dropIfAbandoned);
                if (!batch.isEmpty()) {
                    run(batch);
                }
            } catch (InterruptedException e) {
                // Closing: whatever was taken from the queue but not run is answered here; close() drains the rest.
                if (carried != null) {
                    batch.add(carried);
                }
                batch.forEach(job -> job.result.completeExceptionally(new ShutdownException(model.name())));
                return;
            } catch (RuntimeException | Error e) {
                // Never let the batch thread die: every later request of this model would hang.
                LOG.log(Level.SEVERE, "batcher of model " + model.name() + " failed", e);
                batch.forEach(job -> job.result.completeExceptionally(
                        new InferenceException("batch failed: " + e, e)));
            } finally {
                batch.clear();
                working = carried != null;
            }
        }
        if (carried != null) {
            carried.result.completeExceptionally(new ShutdownException(model.name()));
        }
    }

    /** The next queued input: spins while announced inputs are due, sleeps otherwise. */
    private Job next() throws InterruptedException {
        while (true) {
            Job job = queue.poll();
            if (job != null) {
                return job;
            }
            if (expecting()) {
                Thread.onSpinWait();
            } else {
                // Set before the queue is checked again, so that a submit or an announcement that finds it unset has
                // been seen.
                sleeping = true;
                if (queue.isEmpty() && !expecting()) {
                    LockSupport.park(this);
                }
                sleeping = false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private boolean expecting() {
        return System.nanoTime() - expectedAtNanos < EXPECT_SPIN_NANOS;
    }

    /** Adds queued inputs while they fit; returns the first one that did not fit, to start the next batch. */
    private Job fill(List<Job> batch) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(policy.maxBatchDelayMicros());
        int longest = batch.getFirst().encoding.length();
        while (batch.size() < policy.maxBatchRequests()) {
            long wait = deadline - System.nanoTime();
            Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (dropIfAbandoned(next)) {
                continue;
            }
            int newLongest = Math.max(longest, next.encoding.length());
            if ((long) newLongest * (batch.size() + 1) > policy.maxBatchTokens()) {
                return next;
            }
            longest = newLongest;
            batch.add(next);
        }
        return null;
    }

    private boolean dropIfAbandoned(Job job) {
        if (job.abandoned.getAsBoolean()) {
            listener.inputDropped(model.name());
            job.result.completeExceptionally(new InferenceException("caller went away before inference"));
            return true;
        }
        return false;
    }

    private void run(List<Job> batch) {
        long start = System.nanoTime();
        int longest = 0;
        int tokens = 0;
        for (Job job : batch) {
            longest = Math.max(longest, job.encoding.length());
            tokens += job.encoding.length();
        }
        buffers.reset(batch.size(), longest);
        for (int row = 0; row < batch.size(); row++) {
            Encoding e = batch.get(row).encoding;
            buffers.putRow(row, e.ids(), e.typeIds());
        }
        List<String> outputs = outputs(batch);
        float[][] values;
        try {
            values = session.run(buffers, model.inputs(), outputs);
        } catch (Exception e) {
            InferenceException failure = new InferenceException("inference failed for model " + model.name() + ": "
                                                                        + e.getMessage(), e);
            batch.forEach(job -> job.result.completeExceptionally(failure));
            return;
        }
        long inferenceNanos = System.nanoTime() - start;
        listener.batchDone(model.name(), batch.size(), tokens, batch.size() * longest, inferenceNanos);
        int[] widths = new int[outputs.size()];
        for (int o = 0; o < widths.length; o++) {
            String name = outputs.get(o);
            int rowsPerInput = tokenLevel(name) ? longest : 1;
            // A per-token output other than the task's has its own width (a Dense layer's input, say).
            widths[o] = name.equals(model.output()) ? model.width() : values[o].length / (batch.size() * rowsPerInput);
            if (widths[o] == 0 || values[o].length != batch.size() * rowsPerInput * widths[o]) {
                // Slicing it would hand out zeros or another input's values.
                InferenceException failure = new InferenceException(
                        "output " + name + " of model " + model.name() + " has " + values[o].length
                                + " values; expected " + batch.size() + " x " + rowsPerInput + " x " + widths[o]);
                batch.forEach(job -> job.result.completeExceptionally(failure));
                return;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Job job = batch.get(i);
            String name = outputName(job);
            float[] output = values[outputs.indexOf(name)];
            int width = widths[outputs.indexOf(name)];
            int rows = tokenLevel(name) ? job.encoding.length() : 1;
            int from = i * (tokenLevel(name) ? longest * width : width);
            // The only member of a batch owns the graph's whole output; copying it would be a pass over cold memory
            // on the way back to the caller.
            float[] own = batch.size() == 1 && output.length == rows * width
                    ? output : Arrays.copyOfRange(output, from, from + rows * width);
            job.result.complete(new ModelOutput(own, rows, width, start - job.enqueuedNanos, inferenceNanos,
                                                batch.size()));
        }
    }

    /** Whether an output has a row per token: the task's when the model is token-level, and the token vectors. */
    private boolean tokenLevel(String output) {
        return !output.equals(model.output()) || model.tokenLevel();
    }

    /** The outputs the batch's inputs want, each once. */
    private List<String> outputs(List<Job> batch) {
        String first = outputName(batch.getFirst());
        for (Job job : batch) {
            String name = outputName(job);
            if (!name.equals(first)) {
                return List.of(first, name);
            }
        }
        return List.of(first);
    }

    private String outputName(Job job) {
        return job.readout == Readout.TOKENS ? model.tokenOutput().orElseThrow() : model.output();
    }
}
