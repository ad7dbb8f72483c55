package io.meshinfer.models.heads;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.meshinfer.models.ModelOutput;
import io.meshinfer.tokenizers.Encoding;

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
     * @param decoder     turns token ids back into text (the tokenizer's decoder)
     */
    public static List<TokenEntity> entities(ModelOutput logits,
                                             Encoding encoding,
                                             List<String> labels,
                                             Aggregation aggregation,
                                             Function<long[], String> decoder) {
        List<TokenEntity> tokens = new ArrayList<>();
        List<Long> tokenIds = new ArrayList<>();
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
            tokens.add(new TokenEntity(labels.get(best), probabilities[best], t, encoding.tokens()[t],
                                       encoding.starts()[t], encoding.ends()[t]));
            tokenIds.add(encoding.ids()[t]);
        }
        List<TokenEntity> result = aggregation == Aggregation.NONE
                ? tokens
                : group(tokens, tokenIds, decoder);
        return result.stream().filter(e -> !e.entity().equals(OUTSIDE)).toList();
    }

    private static List<TokenEntity> group(List<TokenEntity> tokens, List<Long> ids,
                                           Function<long[], String> decoder) {
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
                groups.add(merge(tokens.subList(groupStart, i), ids.subList(groupStart, i), decoder));
                groupStart = i;
            }
        }
        return groups;
    }

    private static TokenEntity merge(List<TokenEntity> members, List<Long> ids, Function<long[], String> decoder) {
        double score = 0;
        for (TokenEntity member : members) {
            score += member.score();
        }
        long[] tokenIds = ids.stream().mapToLong(Long::longValue).toArray();
        TokenEntity first = members.getFirst();
        return new TokenEntity(groupName(first.entity()), (float) (score / members.size()), -1,
                               decoder.apply(tokenIds), first.start(), members.getLast().end());
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
