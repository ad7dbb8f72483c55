package io.meshinfer.models.batch;

/**
 * How a model's batcher packs requests.
 *
 * @param maxBatchTokens        most padded tokens (inputs × longest input) in one graph call
 * @param maxBatchRequests      most inputs in one graph call
 * @param maxBatchDelayMicros   how long the first input of a batch may wait for others to join; 0 runs at once
 * @param maxConcurrentRequests most requests admitted at once (queued or running); more are refused at once
 */
public record BatchPolicy(int maxBatchTokens, int maxBatchRequests, long maxBatchDelayMicros,
                          int maxConcurrentRequests) {
    public static final BatchPolicy DEFAULT = new BatchPolicy(16384, 64, 0, 512);

    public BatchPolicy {
        if (maxBatchTokens < 1 || maxBatchRequests < 1 || maxBatchDelayMicros < 0 || maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("invalid batch policy " + maxBatchTokens + "/" + maxBatchRequests
                                                       + "/" + maxBatchDelayMicros + "/" + maxConcurrentRequests);
        }
    }
}
