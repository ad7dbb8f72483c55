package io.meshinfer.models.heads;

import java.util.ArrayList;
import java.util.List;

import io.meshinfer.models.ModelOutput;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TokenText;

/**
 * Turns per-token logits into entities, the way the transformers token-classification pipeline does:
 * softmax per token, the arg-max tag, special tokens and {@code O} dropped, and with the {@code simple} strategy
 * adjacent tokens of the same entity merged (a {@code B-} tag always starts a new one). Stateless and thread-safe.
 */
public final class TokenClassificationHead {
    private static final String OUTSIDE = "O";

    /** How tokens become entities. */
    public enum Aggregation {
        /** One result per token, with its tag. */
        NONE,
        /** Adjacent tokens of one entity merged, the pipeline's {@code aggregation_strategy="simple"}. */
        SIMPLE
    }

    private TokenClassificationHead() {
    }

    /**
     * Finds entities.
     *
     * @param logits      one row per token of {@code encoding}
     * @param encoding    the tokens the logits belong to
     * @param labels      tag names by id ({@code O}, {@code B-PER}, ...)
     * @param aggregation how to merge tokens
     * @param text        the encoding's tokens as text
     */
    public static List<TokenEntity> entities(ModelOutput logits,
                                             Encoding encoding,
                                             List<String> labels,
                                             Aggregation aggregation,
                                             TokenText text) {
        List<TokenEntity> tokens = new ArrayList<>();
        for (int t = 0; t < logits.rows(); t++) {
            if (encoding.special()[t]) {
                continue;
            }
            float[] probabilities = Activations.softmax(logits.values(), t * logits.width(), logits.width());
            int best = 0;
            for (int i = 1; i < probabilities.length; i++) {
                if (probabilities[i] > probabilities[best]) {
                    best = i;
                }
            }
            tokens.add(new TokenEntity(labels.get(best), probabilities[best], t, text.token(t),
                                       encoding.starts()[t], encoding.ends()[t]));
        }
        List<TokenEntity> result = aggregation == Aggregation.NONE
                ? tokens
                : group(tokens, text);
        return result.stream().filter(e -> !e.entity().equals(OUTSIDE)).toList();
    }

    private static List<TokenEntity> group(List<TokenEntity> tokens, TokenText text) {
        List<TokenEntity> groups = new ArrayList<>();
        int groupStart = 0;
        for (int i = 1; i <= tokens.size(); i++) {
            boolean boundary = i == tokens.size();
            if (!boundary) {
                Tag current = Tag.of(tokens.get(i).entity());
                Tag previous = Tag.of(tokens.get(i - 1).entity());
                boundary = current.begins() || !current.type().equals(previous.type());
            }
            if (boundary && i > groupStart) {
                groups.add(merge(tokens.subList(groupStart, i), text));
                groupStart = i;
            }
        }
        return groups;
    }

    private static TokenEntity merge(List<TokenEntity> members, TokenText text) {
        double score = 0;
        for (TokenEntity member : members) {
            score += member.score();
        }
        TokenEntity first = members.getFirst();
        TokenEntity last = members.getLast();
        return new TokenEntity(groupName(first.entity()), (float) (score / members.size()), -1,
                               text.join(first.index(), last.index() + 1), first.start(), last.end());
    }

    /**
     * A group's name: its first tag without the scheme prefix ({@code S-LOC} gives {@code LOC}), as the pipeline
     * names it, even for the BIOES tags that {@link Tag} groups by their whole label.
     */
    static String groupName(String label) {
        return label.substring(label.indexOf('-') + 1);
    }

    /** A BIO tag split into its prefix and entity type; a tag without prefix counts as inside. */
    private record Tag(boolean begins, String type) {
        static Tag of(String label) {
            if (label.startsWith("B-")) {
                return new Tag(true, label.substring(2));
            }
            if (label.startsWith("I-")) {
                return new Tag(false, label.substring(2));
            }
            return new Tag(false, label);
        }
    }
}
