package io.meshinfer.models.heads;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.heads.TokenClassificationHead.Aggregation;
import io.meshinfer.tokenizers.Encoding;

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

    private static String decode(long[] ids) {
        return Arrays.toString(ids);
    }

    @Test
    void simpleMergesAdjacentTokensOfOneEntityAndDropsOutside() {
        List<TokenEntity> entities = TokenClassificationHead.entities(
                logits(0, 1, 2, 2, 0, 3, 0), ENCODING, LABELS, Aggregation.SIMPLE,
                TokenClassificationHeadTest::decode);
        assertEquals(2, entities.size());
        assertEquals(new TokenEntity("PER", entities.get(0).score(), -1, "[1, 2, 3]", 0, 12), entities.get(0));
        assertEquals("LOC", entities.get(1).entity());
        assertEquals(16, entities.get(1).start());
        assertEquals(21, entities.get(1).end());
    }

    @Test
    void aBeginTagStartsANewEntityEvenAfterTheSameType() {
        List<TokenEntity> entities = TokenClassificationHead.entities(
                logits(0, 1, 1, 0, 0, 0, 0), ENCODING, LABELS, Aggregation.SIMPLE,
                TokenClassificationHeadTest::decode);
        assertEquals(2, entities.size());
    }

    @Test
    void noneGivesOneEntryPerTaggedToken() {
        List<TokenEntity> entities = TokenClassificationHead.entities(
                logits(0, 1, 2, 0, 0, 3, 0), ENCODING, LABELS, Aggregation.NONE,
                TokenClassificationHeadTest::decode);
        assertEquals(List.of("B-PER", "I-PER", "B-LOC"), entities.stream().map(TokenEntity::entity).toList());
        assertEquals(List.of(1, 2, 5), entities.stream().map(TokenEntity::index).toList());
        assertEquals("##ny", entities.get(1).word());
    }
}
