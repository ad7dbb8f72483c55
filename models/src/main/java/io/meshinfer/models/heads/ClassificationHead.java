package io.meshinfer.models.heads;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.meshinfer.models.ModelOutput;

/**
 * Turns sequence-classification logits into label scores: softmax for single-label models, a sigmoid per label
 * for multi-label ones and for a single logit (a softmax over one value is always 1; the transformers pipeline and
 * TEI use a sigmoid there), or the raw logits. Stateless and thread-safe.
 */
public final class ClassificationHead {
    private ClassificationHead() {
    }

    /**
     * Scores every label, highest first (TEI's order).
     *
     * @param logits     one row of logits
     * @param labels     label names by id
     * @param multiLabel sigmoid per label instead of softmax
     * @param raw        return the logits untouched
     */
    public static List<LabelScore> scores(ModelOutput logits, List<String> labels, boolean multiLabel, boolean raw) {
        int width = logits.width();
        float[] scores;
        if (raw) {
            scores = logits.values().clone();
        } else if (multiLabel || width == 1) {
            scores = new float[width];
            for (int i = 0; i < width; i++) {
                scores[i] = Activations.sigmoid(logits.values()[i]);
            }
        } else {
            scores = Activations.softmax(logits.values(), 0, width);
        }
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
