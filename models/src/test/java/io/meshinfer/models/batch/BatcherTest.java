package io.meshinfer.models.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.TestModels;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatcherTest {
    private static final String MODEL = "builtin:all-MiniLM-L6-v2";

    /** Records every batch the batcher runs. */
    static final class Recorder implements BatchListener {
        final List<int[]> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger dropped = new AtomicInteger();

        @Override
        public void batchDone(String model, int inputs, int tokens, int paddedTokens, long inferenceNanos) {
            batches.add(new int[] {inputs, paddedTokens, tokens});
        }

        @Override
        public void inputDropped(String model) {
            dropped.incrementAndGet();
        }
    }

    @Test
    void inputsWantingTheTaskOutputOrTheTokenVectorsShareOneBatchAndEachGetsItsOwn() throws Exception {
        String dense = TestModels.testdata().resolve("models/tiny-dense").toString();
        try (Model model = TestModels.load(dense, new BatchPolicy(16384, 64, 300_000, 512), BatchListener.NONE)) {
            // The longest input wants the pooled vector; the two shorter ones, of different lengths, the token
            // vectors, so that both outputs are cut out of padded rows.
            List<Encoding> encodings = List.of(encode(model, "a longer text than the other two are"),
                                               encode(model, "hello"), encode(model, "hello there"));
            List<Readout> readouts = List.of(Readout.TASK, Readout.TOKENS, Readout.TOKENS);
            List<ModelOutput> alone = new ArrayList<>();
            for (int i = 0; i < encodings.size(); i++) {
                alone.add(model.submit(encodings.get(i), readouts.get(i), () -> false).get(30, TimeUnit.SECONDS));
            }
            List<CompletableFuture<ModelOutput>> batched = new ArrayList<>();
            for (int i = 0; i < encodings.size(); i++) {
                batched.add(model.submit(encodings.get(i), readouts.get(i), () -> false));
            }
            for (int i = 0; i < encodings.size(); i++) {
                ModelOutput out = batched.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(3, out.batchSize());
                boolean tokens = readouts.get(i) == Readout.TOKENS;
                assertEquals(tokens ? encodings.get(i).length() : 1, out.rows());
                assertEquals(tokens ? 16 : 8, out.width(), "the Transformer's width, or the Dense layer's");
                assertArrayEquals(alone.get(i).values(), out.values(), 1e-5f, "input " + i);
            }
        }
    }

    @Test
    void aModelWithoutPerTokenVectorsRefusesInputsThatWantThem() {
        String classifier = TestModels.testdata().resolve("models/tiny-classifier").toString();
        try (Model model = TestModels.load(classifier)) {
            Encoding e = encode(model, "hello");
            assertThrows(IllegalArgumentException.class, () -> model.submit(e, Readout.TOKENS, () -> false));
        }
    }

    @Test
    void queuedInputsShareOneBatchPaddedToTheLongest() throws Exception {
        Recorder recorder = new Recorder();
        // A long delay lets every input join the first batch.
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 300_000, 512), recorder)) {
            List<Encoding> encodings = List.of(encode(model, "short"), encode(model, "a somewhat longer sentence "
                    + "with more tokens in it"), encode(model, "mid length text"));
            List<CompletableFuture<ModelOutput>> results = new ArrayList<>();
            for (Encoding e : encodings) {
                results.add(model.submit(e, Readout.TASK, () -> false));
            }
            for (int i = 0; i < encodings.size(); i++) {
                ModelOutput out = results.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(encodings.get(i).length(), out.rows(), "padding is removed from each output");
                assertEquals(384, out.width());
                assertEquals(3, out.batchSize());
            }
            assertEquals(1, recorder.batches.size());
            int longest = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
            assertEquals(3 * longest, recorder.batches.getFirst()[1]);
            assertEquals(encodings.stream().mapToInt(Encoding::length).sum(), recorder.batches.getFirst()[2],
                         "the batch's own tokens, without padding");
        }
    }

    @Test
    void aBatchStopsAtTheRequestCount() throws Exception {
        Recorder recorder = new Recorder();
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 2, 300_000, 512), recorder)) {
            List<CompletableFuture<ModelOutput>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                results.add(model.submit(encode(model, "text number " + i), Readout.TASK, () -> false));
            }
            for (CompletableFuture<ModelOutput> r : results) {
                assertTrue(r.get(30, TimeUnit.SECONDS).batchSize() <= 2);
            }
            assertTrue(recorder.batches.stream().allMatch(b -> b[0] <= 2));
            assertEquals(5, recorder.batches.stream().mapToInt(b -> b[0]).sum());
        }
    }

    @Test
    void aBatchStopsAtTheTokenBudget() throws Exception {
        Recorder recorder = new Recorder();
        try (Model model = TestModels.load(MODEL, new BatchPolicy(256, 64, 300_000, 512), recorder)) {
            Encoding long1 = model.tokenizer().encode("word ".repeat(150), true, TruncationDirection.RIGHT);
            Encoding long2 = model.tokenizer().encode("text ".repeat(150), true, TruncationDirection.RIGHT);
            CompletableFuture<ModelOutput> a = model.submit(long1, Readout.TASK, () -> false);
            CompletableFuture<ModelOutput> b = model.submit(long2, Readout.TASK, () -> false);
            assertEquals(1, a.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(1, b.get(30, TimeUnit.SECONDS).batchSize());
            assertTrue(recorder.batches.stream().allMatch(x -> x[1] <= 256));
        }
    }

    @Test
    void aLoneInputWaitsTheBatchDelayForCompanyThenRunsAlone() throws Exception {
        long delayMicros = 300_000;
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, (int) delayMicros, 512),
                                           BatchListener.NONE)) {
            ModelOutput out = model.submit(encode(model, "alone"), Readout.TASK, () -> false).get(30, TimeUnit.SECONDS);
            assertEquals(1, out.batchSize());
            assertTrue(out.queueNanos() >= TimeUnit.MICROSECONDS.toNanos(delayMicros),
                       "waited " + out.queueNanos() + " ns for company");
        }
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 0, 512), BatchListener.NONE)) {
            ModelOutput out = model.submit(encode(model, "alone"), Readout.TASK, () -> false).get(30, TimeUnit.SECONDS);
            assertTrue(out.queueNanos() < TimeUnit.MICROSECONDS.toNanos(delayMicros),
                       "with no delay a lone input does not wait for company: " + out.queueNanos() + " ns");
        }
    }

    @Test
    void anInputWhoseCallerWentAwayNeverReachesTheGraph() throws Exception {
        Recorder recorder = new Recorder();
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 200_000, 512), recorder)) {
            CompletableFuture<ModelOutput> gone = model.submit(encode(model, "nobody waits"), Readout.TASK, () -> true);
            CompletableFuture<ModelOutput> kept = model.submit(encode(model, "somebody waits"), Readout.TASK,
                                                               () -> false);
            ExecutionException e = assertThrows(ExecutionException.class, () -> gone.get(30, TimeUnit.SECONDS));
            assertInstanceOf(InferenceException.class, e.getCause());
            assertEquals(1, kept.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(1, recorder.batches.stream().mapToInt(x -> x[0]).sum());
            assertEquals(1, recorder.dropped.get());
        }
    }

    @Test
    void anInputWhoseCallerLeavesDuringTheBatchDelayIsDroppedBeforeTheBatchRuns() throws Exception {
        Recorder recorder = new Recorder();
        AtomicBoolean leaves = new AtomicBoolean();
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 1_000_000, 512), recorder)) {
            CompletableFuture<ModelOutput> kept = model.submit(encode(model, "somebody waits"), Readout.TASK,
                                                               () -> false);
            CompletableFuture<ModelOutput> gone = model.submit(encode(model, "leaves soon"), Readout.TASK, leaves::get);
            Thread.sleep(200);
            leaves.set(true);
            ExecutionException e = assertThrows(ExecutionException.class, () -> gone.get(30, TimeUnit.SECONDS));
            assertInstanceOf(InferenceException.class, e.getCause());
            assertEquals(1, kept.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(1, recorder.dropped.get());
        }
    }

    @Test
    void admissionBeyondTheLimitIsRefusedAtOnceAndFreedOnClose() {
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 0, 2), BatchListener.NONE)) {
            Batcher.Admission first = model.admit();
            Batcher.Admission second = model.admit();
            assertThrows(OverloadedException.class, model::admit);
            first.close();
            model.admit().close();
            second.close();
        }
    }

    @Test
    void closingAnswersEveryInputStillWaitingInsteadOfLeavingItHanging() throws Exception {
        Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 5_000_000, 512), BatchListener.NONE);
        // The long batch delay keeps the first input inside the batcher, the others in its queue.
        List<CompletableFuture<ModelOutput>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(model.submit(encode(model, "waiting " + i), Readout.TASK, () -> false));
        }
        Thread.sleep(200);
        model.close();
        for (CompletableFuture<ModelOutput> r : results) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ShutdownException.class, e.getCause());
        }
    }

    @Test
    void anAnnouncedInputIsRunWhetherItComesWhileTheBatchThreadSpinsOrAfterItWentBackToSleep() throws Exception {
        Recorder recorder = new Recorder();
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 0, 512), recorder)) {
            model.expect();
            assertEquals(1, model.submit(encode(model, "soon"), Readout.TASK, () -> false)
                    .get(30, TimeUnit.SECONDS).batchSize());
            model.expect();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Batcher.EXPECT_SPIN_NANOS) + 20);
            assertEquals(1, model.submit(encode(model, "late"), Readout.TASK, () -> false)
                    .get(30, TimeUnit.SECONDS).batchSize());
            // An announcement that no input follows leaves the thread asleep and ready.
            model.expect();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Batcher.EXPECT_SPIN_NANOS) + 20);
            assertEquals(2, recorder.batches.size());
            assertEquals(1, model.submit(encode(model, "next"), Readout.TASK, () -> false)
                    .get(30, TimeUnit.SECONDS).batchSize());
        }
    }

    @Test
    void closingWhileAnInputIsAnnouncedStopsTheBatchThreadAndRefusesLaterInputs() throws Exception {
        Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 0, 512), BatchListener.NONE);
        Encoding late = encode(model, "too late");
        model.expect();
        model.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> model.submit(late, Readout.TASK, () -> false).get(10, TimeUnit.SECONDS));
        assertInstanceOf(ShutdownException.class, e.getCause());
    }

    @Test
    void aBudgetBelowTheModelsMaximumLengthIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestModels.load(MODEL, new BatchPolicy(128, 64, 0, 512), BatchListener.NONE));
        assertTrue(e.getMessage().contains("max-batch-tokens"), e.getMessage());
    }

    private static Encoding encode(Model model, String text) {
        return model.tokenizer().encode(text, false, TruncationDirection.RIGHT);
    }
}
