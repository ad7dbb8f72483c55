package io.meshinfer.models.heads;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.ModelOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassificationHeadTest {
    private static final List<String> LABELS = List.of("neg", "neu", "pos");
    private static final ModelOutput LOGITS = new ModelOutput(new float[] {1, 2, 3}, 1, 3, 0, 0, 1);

    @Test
    void softmaxScoresSumToOneBestFirst() {
        List<LabelScore> scores = ClassificationHead.scores(LOGITS, LABELS, ScoreFunction.SOFTMAX);
        assertEquals(List.of("pos", "neu", "neg"), scores.stream().map(LabelScore::label).toList());
        assertEquals(1.0, scores.stream().mapToDouble(LabelScore::score).sum(), 1e-6);
        assertEquals(0.66524096, scores.getFirst().score(), 1e-6);
    }

    @Test
    void multiLabelUsesAnIndependentSigmoidPerLabel() {
        List<LabelScore> scores = ClassificationHead.scores(LOGITS, LABELS, ScoreFunction.SIGMOID);
        assertEquals(0.95257413, scores.getFirst().score(), 1e-6);
        assertEquals(0.7310586, scores.getLast().score(), 1e-6);
    }

    @Test
    void rawScoresAreTheLogits() {
        assertEquals(3f, ClassificationHead.scores(LOGITS, LABELS, ScoreFunction.NONE).getFirst().score());
    }

    @Test
    void aModelsOwnFunctionIsASigmoidForMultiLabelModelsAndASingleLogit() {
        assertEquals(ScoreFunction.SOFTMAX, ScoreFunction.of(false, 3));
        assertEquals(ScoreFunction.SIGMOID, ScoreFunction.of(true, 3));
        // A softmax over one value is always 1.
        assertEquals(ScoreFunction.SIGMOID, ScoreFunction.of(false, 1));
    }

    @Test
    void functionsGoByThePipelinesNames() {
        assertEquals(Optional.of(ScoreFunction.NONE), ScoreFunction.named("none"));
        assertEquals(Optional.of(ScoreFunction.SOFTMAX), ScoreFunction.named("softmax"));
        assertEquals(Optional.empty(), ScoreFunction.named("SIGMOID"));
        assertEquals(Optional.empty(), ScoreFunction.named("relu"));
    }

    @Test
    void relevanceIsTheSigmoidOfTheSingleLogit() {
        ModelOutput one = new ModelOutput(new float[] {0.5f}, 1, 1, 0, 0, 1);
        assertEquals(0.62245935, ClassificationHead.relevance(one, false), 1e-6);
        assertEquals(0.5f, ClassificationHead.relevance(one, true));
    }
}
