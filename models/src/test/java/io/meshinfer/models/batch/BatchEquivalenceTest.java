package io.meshinfer.models.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.Pooling;
import io.meshinfer.models.TestModels;
import io.meshinfer.models.heads.EmbeddingHead;
import io.meshinfer.models.parity.Fixtures;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batching is invisible in the answers: each member of a batch padded to its longest member pools to the vector it
 * gets when it runs alone, so padding never leaks through the attention mask or the pooling.
 */
class BatchEquivalenceTest {
    private static final String MODEL = "builtin:all-MiniLM-L6-v2";
    private static final List<String> TEXTS = List.of(
            "hello",
            "The quick brown fox jumps over the lazy dog near the river.",
            "Deep learning is a subset of machine learning that uses neural networks with many layers to learn "
                    + "representations of data at several levels of abstraction. These methods have improved the "
                    + "state of the art in speech recognition, visual object recognition, object detection and many "
                    + "other domains such as drug discovery and genomics, by discovering intricate structure in "
                    + "large data sets.");

    @Test
    void everyMemberOfAPaddedBatchPoolsToTheVectorItGetsAlone() throws Exception {
        BatcherTest.Recorder recorder = new BatcherTest.Recorder();
        // A long delay lets every input join the first batch.
        try (Model model = TestModels.load(MODEL, new BatchPolicy(16384, 64, 300_000, 512), recorder)) {
            assertEquals(Pooling.MEAN, model.description().pooling(), "leaked padding would shift the mean");
            List<Encoding> encodings = TEXTS.stream().map(t -> encode(model, t)).toList();
            int longest = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
            assertTrue(encodings.getFirst().length() * 10 < longest, "lengths differ enough to need much padding");
            List<CompletableFuture<ModelOutput>> batched = new ArrayList<>();
            for (Encoding e : encodings) {
                batched.add(model.submit(e, Readout.TASK, () -> false));
            }
            List<ModelOutput> together = new ArrayList<>();
            for (CompletableFuture<ModelOutput> f : batched) {
                together.add(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, recorder.batches.size(), "one batch");
            assertEquals(TEXTS.size(), recorder.batches.getFirst()[0]);
            assertEquals(TEXTS.size() * longest, recorder.batches.getFirst()[1], "padded to the longest member");

            for (int i = 0; i < TEXTS.size(); i++) {
                ModelOutput alone = model.submit(encodings.get(i), Readout.TASK, () -> false).get(30, TimeUnit.SECONDS);
                assertEquals(1, alone.batchSize());
                assertEquals(TEXTS.size(), together.get(i).batchSize());
                assertEquals(alone.rows(), together.get(i).rows());
                double cosine = Fixtures.cosine(pool(model, alone), pool(model, together.get(i)));
                assertTrue(cosine >= 0.9999, "cosine " + cosine + " for \"" + TEXTS.get(i) + "\"");
            }
            assertEquals(1 + TEXTS.size(), recorder.batches.size(), "each text alone in a later batch");
        }
    }

    private static float[] pool(Model model, ModelOutput output) {
        ModelDescription d = model.description();
        return EmbeddingHead.pool(output, d.pooling(), 0, 0, d.normalize());
    }

    private static Encoding encode(Model model, String text) {
        return model.tokenizer().encode(text, false, TruncationDirection.RIGHT);
    }
}
