package io.meshinfer.models.heads;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.heads.TokenClassificationHead.Aggregation;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TokenText;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenClassificationHeadTest {
    private static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-LOC");

    /** [CLS] john ##ny smith in paris [SEP], with one-hot-ish logits for the given tags. */
    private static ModelOutput logits(int... tags) {
        float[] values = new float[tags.length * LABELS.size()];
        for (int t = 0; t < tags.length; t++) {
            values[t * LABELS.size() + tags[t]] = 5;
        }
        return new ModelOutput(values, tags.length, LABELS.size(), 0, 0, 1);
    }

    private static final Encoding ENCODING = new Encoding(
            new long[] {101, 1, 2, 3, 4, 5, 102},
            new long[7],
            new String[] {"[CLS]", "john", "##ny", "smith", "in", "paris", "[SEP]"},
            new boolean[] {true, false, false, false, false, false, true},
            new int[] {0, 0, 4, 7, 13, 16, 0},
            new int[] {0, 4, 6, 12, 15, 21, 0},
            new int[] {-1, 0, 0, 0, 0, 0, -1},
            new long[] {-1, 0, 0, 1, 2, 3, -1});

    /** Tokens as their vocabulary entries; a word as the ids it joins, so tests see which tokens were joined. */
    private static final TokenText TEXT = new TokenText() {
        @Override
        public String token(int t) {
            return ENCODING.tokens()[t];
        }

        @Override
        public String join(int from, int to) {
            return Arrays.toString(Arrays.copyOfRange(ENCODING.ids(), from, to));
        }
    };

    @Test
    void simpleMergesAdjacentTokensOfOneEntityAndDropsOutside() {
        List<TokenEntity> entities = TokenClassificationHead.entities(
                logits(0, 1, 2, 2, 0, 3, 0), ENCODING, LABELS, Aggregation.SIMPLE,
                TEXT);
        assertEquals(2, entities.size());
        assertEquals(new TokenEntity("PER", entities.get(0).score(), -1, "[1, 2, 3]", 0, 12), entities.get(0));
        assertEquals("LOC", entities.get(1).entity());
        assertEquals(16, entities.get(1).start());
        assertEquals(21, entities.get(1).end());
    }

    @Test
    void aMergedEntityScoresTheMeanOfItsTokensAndJoinsTheirWord() {
        // B-PER then I-PER twice, with falling confidence; each token's score is its softmax over the labels.
        float[] values = new float[7 * LABELS.size()];
        float[] strength = {0, 6, 3, 1, 0, 0, 0};
        int[] tags = {0, 1, 2, 2, 0, 0, 0};
        for (int t = 0; t < 7; t++) {
            values[t * LABELS.size() + tags[t]] = strength[t];
        }
        List<TokenEntity> entities = TokenClassificationHead.entities(
                new ModelOutput(values, 7, LABELS.size(), 0, 0, 1), ENCODING, LABELS, Aggregation.SIMPLE,
                TEXT);
        double expected = (softmaxTop(6) + softmaxTop(3) + softmaxTop(1)) / 3;
        assertEquals(1, entities.size());
        assertEquals("PER", entities.getFirst().entity());
        assertEquals(expected, entities.getFirst().score(), 1e-6);
        assertEquals("[1, 2, 3]", entities.getFirst().word(), "the tokens' ids decoded together");
    }

    /** The softmax of the label at {@code logit} among the others at 0. */
    private static double softmaxTop(double logit) {
        return Math.exp(logit) / (Math.exp(logit) + LABELS.size() - 1);
    }

    @Test
    void aGroupIsNamedByItsTagWithoutTheSchemePrefixAsThePipelineNamesIt() {
        assertEquals("LOC", TokenClassificationHead.groupName("S-LOC"));
        assertEquals("PER", TokenClassificationHead.groupName("E-PER"));
        assertEquals("PER", TokenClassificationHead.groupName("B-PER"));
        assertEquals("MISC", TokenClassificationHead.groupName("MISC"));
        assertEquals("ORG-X", TokenClassificationHead.groupName("B-ORG-X"));
    }

    @Test
    void aBeginTagStartsANewEntityEvenAfterTheSameType() {
        List<TokenEntity> entities = TokenClassificationHead.entities(
                logits(0, 1, 1, 0, 0, 0, 0), ENCODING, LABELS, Aggregation.SIMPLE,
                TEXT);
        assertEquals(2, entities.size());
    }

    @Test
    void noneGivesOneEntryPerTaggedToken() {
        List<TokenEntity> entities = TokenClassificationHead.entities(
                logits(0, 1, 2, 0, 0, 3, 0), ENCODING, LABELS, Aggregation.NONE,
                TEXT);
        assertEquals(List.of("B-PER", "I-PER", "B-LOC"), entities.stream().map(TokenEntity::entity).toList());
        assertEquals(List.of(1, 2, 5), entities.stream().map(TokenEntity::index).toList());
        assertEquals("##ny", entities.get(1).word());
    }
}
