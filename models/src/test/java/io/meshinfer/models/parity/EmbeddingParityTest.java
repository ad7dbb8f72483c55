package io.meshinfer.models.parity;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.TestModels;
import io.meshinfer.models.batch.Readout;
import io.meshinfer.models.heads.EmbeddingHead;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in models' embeddings against sentence-transformers' own, text by text. */
class EmbeddingParityTest {
    @ParameterizedTest
    @CsvSource({"all-MiniLM-L6-v2, all-minilm-l6-v2", "bge-small-en-v1.5, bge-small-en-v1.5"})
    void everyReferenceVectorIsMatched(String builtin, String fixture) throws Exception {
        JsonNode reference = Fixtures.read(fixture);
        List<JsonNode> cases = Fixtures.cases(fixture);
        assertTrue(cases.size() >= 25, "at least 25 reference texts");
        try (Model model = TestModels.load("builtin:" + builtin)) {
            ModelDescription d = model.description();
            assertEquals(reference.get("max_seq_length").asInt(), d.maxLength());
            assertEquals(reference.get("pooling").asText(), d.pooling().label());
            assertEquals(reference.get("normalized").asBoolean(), d.normalize(), "the Normalize module is found");
            double worst = 1;
            for (JsonNode c : cases) {
                String text = c.get("text").asText();
                Encoding e = model.tokenizer().encode(text, true, TruncationDirection.RIGHT);
                assertArrayEquals(Fixtures.longs(c.get("input_ids")), e.ids(), "token ids of " + text);
                ModelOutput out = model.submit(e, Readout.TASK, () -> false).get(60, TimeUnit.SECONDS);
                float[] vector = EmbeddingHead.pool(out, d.pooling(), 0, 0, d.normalize());
                float[] expected = Fixtures.floats(c.get("embedding"));
                assertEquals(reference.get("dimension").asInt(), vector.length);
                double cosine = Fixtures.cosine(expected, vector);
                worst = Math.min(worst, cosine);
                assertTrue(cosine >= 0.9999, "cosine " + cosine + " for " + text);
                // Cosine ignores length; the vectors' lengths must agree too (1 when normalised).
                assertEquals(Fixtures.length(expected), Fixtures.length(vector), 1e-4, "length of " + text);
            }
            System.out.printf("%s: %d texts, worst cosine %.7f%n", builtin, cases.size(), worst);
        }
    }
    /**
     * A sentence-transformers model with a Dense module after pooling, exported whole: the graph's
     * sentence_embedding, not pooling of its token outputs, gives sentence-transformers' vectors.
     */
    @Test
    void aDenseModuleAfterPoolingIsApplied() throws Exception {
        JsonNode reference = Fixtures.read("tiny-dense");
        try (Model model = TestModels.load(TestModels.testdata().resolve("models/tiny-dense").toString())) {
            ModelDescription d = model.description();
            assertEquals("sentence_embedding", d.output());
            assertEquals(reference.get("dimensions").asInt(), d.width());
            for (JsonNode c : Fixtures.cases("tiny-dense")) {
                Encoding e = model.tokenizer().encode(c.get("text").asText(), true, TruncationDirection.RIGHT);
                ModelOutput out = model.submit(e, Readout.TASK, () -> false).get(60, TimeUnit.SECONDS);
                float[] vector = EmbeddingHead.finish(out.values(), 0, d.normalize());
                float[] expected = Fixtures.floats(c.get("vector"));
                assertEquals(expected.length, vector.length);
                assertTrue(Fixtures.cosine(expected, vector) >= 0.9999, c.get("text").asText());
                assertEquals(Fixtures.length(expected), Fixtures.length(vector), 1e-4);
            }
        }
    }

    /**
     * The same model's per-token vectors, as {@code /embed_all} answers them: the Transformer's, before pooling and
     * Dense, as sentence-transformers' {@code encode(output_value="token_embeddings")} gives them.
     */
    @Test
    void aDenseModelsTokenVectorsAreTheTransformersAsSentenceTransformersGivesThem() throws Exception {
        JsonNode reference = Fixtures.read("tiny-dense");
        try (Model model = TestModels.load(TestModels.testdata().resolve("models/tiny-dense").toString())) {
            for (JsonNode c : Fixtures.cases("tiny-dense")) {
                Encoding e = model.tokenizer().encode(c.get("text").asText(), true, TruncationDirection.RIGHT);
                ModelOutput out = model.submit(e, Readout.TOKENS, () -> false).get(60, TimeUnit.SECONDS);
                JsonNode expected = c.get("token_vectors");
                assertEquals(expected.size(), out.rows(), c.get("text").asText());
                assertEquals(reference.get("token_dimensions").asInt(), out.width());
                for (int row = 0; row < out.rows(); row++) {
                    for (int column = 0; column < out.width(); column++) {
                        assertEquals(expected.get(row).get(column).asDouble(), out.at(row, column), 1e-5);
                    }
                }
            }
        }
    }
}
