package io.meshinfer.server.config;

import java.util.Map;
import java.util.Optional;

/**
 * TEI's {@code text-embeddings-router} flags that meshinfer spells differently or does without, with what to use
 * instead: a TEI command line moved over unchanged should be refused with directions, not just "unknown". Flags both
 * share ({@code --port}, {@code --max-batch-tokens}, {@code --pooling}, ...) are settings of their own.
 */
final class TeiFlags {
    private static final String NO_HUB = "meshinfer never fetches from a model hub: serve a local directory with "
            + "--model NAME=DIR";
    private static final String NO_TRACING = "meshinfer exports no traces: every answer carries Server-Timing and "
            + "x-*-time headers, and the admin listener serves /metrics";

    private static final Map<String, String> INSTEAD = Map.ofEntries(
            Map.entry("model-id", "serve a model directory with --model NAME=DIR (or the built-in model with no "
                    + "flag); meshinfer never fetches from a model hub"),
            Map.entry("revision", NO_HUB),
            Map.entry("hf-api-token", NO_HUB),
            Map.entry("hf-token", NO_HUB),
            Map.entry("huggingface-hub-cache", NO_HUB),
            Map.entry("served-model-name", "the NAME in --model NAME=DIR is the name a model is served under"),
            Map.entry("hostname", "use --host"),
            Map.entry("prometheus-port", "/metrics is served by the admin listener: use --admin-port"),
            Map.entry("dtype", "a graph runs in the types it was exported with: export the float16 graph you want "
                    + "and pick it with --onnx-variant"),
            Map.entry("tokenization-workers", "each request is tokenized on its own virtual thread; there is no "
                    + "pool to size"),
            Map.entry("default-prompt-name", "the model's own default_prompt_name (config_sentence_transformers.json) "
                    + "applies, and a request picks another with prompt_name"),
            Map.entry("default-prompt", "prompts come from the model's config_sentence_transformers.json, and a "
                    + "request picks one with prompt_name"),
            Map.entry("api-key", "callers are authenticated by their mTLS certificates and authorized by "
                    + "intentions (see Connect in the README)"),
            Map.entry("cors-allow-origin", "the service listener answers mTLS callers only, not browsers"),
            Map.entry("uds-path", "the service listener is TCP with mTLS"),
            Map.entry("json-output", "logs are plain text lines"),
            Map.entry("disable-spans", NO_TRACING),
            Map.entry("otlp-endpoint", NO_TRACING),
            Map.entry("otlp-service-name", NO_TRACING),
            Map.entry("dense-path", "a sentence-transformers Dense module is served when the graph's "
                    + "sentence_embedding output includes it (an optimum sentence-transformers export)"));

    private TeiFlags() {
    }

    /** What to use instead of TEI's flag {@code name}; empty when TEI has no such flag. */
    static Optional<String> instead(String name) {
        return Optional.ofNullable(INSTEAD.get(name));
    }
}
