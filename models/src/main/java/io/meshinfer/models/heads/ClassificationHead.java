package io.meshinfer.models.heads;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.meshinfer.models.ModelOutput;

/**
 * Turns sequence-classification logits into label scores through a {@link ScoreFunction}. Stateless and
 * thread-safe.
 */
public final class ClassificationHead {
    private ClassificationHead() {
    }

    /**
     * Scores every label, highest first (TEI's order).
     *
     * @param logits   one row of logits
     * @param labels   label names by id
     * @param function how logits become scores
     */
    public static List<LabelScore> scores(ModelOutput logits, List<String> labels, ScoreFunction function) {
        int width = logits.width();
        float[] scores = switch (function) {
            case NONE -> logits.values().clone();
            case SOFTMAX -> Activations.softmax(logits.values(), 0, width);
            case SIGMOID -> {
                float[] sigmoids = new float[width];
                for (int i = 0; i < width; i++) {
                    sigmoids[i] = Activations.sigmoid(logits.values()[i]);
                }
                yield sigmoids;
            }
        };
        List<LabelScore> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(new LabelScore(labels.get(i), scores[i]));
        }
        out.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return out;
    }

    /** The relevance score of a cross-encoder: its single logit, through a sigmoid unless {@code raw}. */
    public static float relevance(ModelOutput logits, boolean raw) {
        float logit = logits.values()[0];
        return raw ? logit : Activations.sigmoid(logit);
    }
}
