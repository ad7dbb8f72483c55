package io.meshinfer.models.heads;

/**
 * One entity found by a token classifier, with code-point offsets into the input text.
 *
 * @param entity the label: an entity group such as {@code PER} when aggregated, a tag such as {@code B-PER}
 *               per token otherwise
 * @param score  the mean probability of the tokens that make it up
 * @param index  position of the token in the encoding (per-token results), or -1 (aggregated results)
 * @param word   the tokens decoded back to text
 * @param start  first code point
 * @param end    code point after the last
 */
public record TokenEntity(String entity, float score, int index, String word, int start, int end) {
}
