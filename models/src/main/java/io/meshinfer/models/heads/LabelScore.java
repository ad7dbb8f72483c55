package io.meshinfer.models.heads;

/** One label of a classifier with its score. */
public record LabelScore(String label, float score) {
}
