package io.meshinfer.tokenizers;

/** Which end of an over-long input is cut off when truncation is on. */
public enum TruncationDirection {
    /** Keep the beginning, drop tokens from the end (the default everywhere). */
    RIGHT,
    /** Keep the end, drop tokens from the beginning. */
    LEFT
}
