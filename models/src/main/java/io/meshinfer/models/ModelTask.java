package io.meshinfer.models;

/** What a model answers, decided from its graph outputs and its {@code architectures}. */
public enum ModelTask {
    /** Sentence embeddings (and per-token vectors). */
    EMBEDDING("embedding"),
    /** Sequence classification with two or more labels. */
    CLASSIFIER("classifier"),
    /** Sequence classification with one label: a cross-encoder scoring (query, text) pairs. */
    RERANKER("reranker"),
    /** Token classification (NER). */
    TOKEN_CLASSIFIER("token-classifier");

    private final String label;

    ModelTask(String label) {
        this.label = label;
    }

    /** The lower-case name used in the API and the configuration. */
    public String label() {
        return label;
    }
}
