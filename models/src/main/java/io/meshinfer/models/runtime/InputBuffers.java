package io.meshinfer.models.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * Direct, native-order buffers for one padded batch, allocated once and refilled for every batch so that ONNX
 * Runtime reads them without a copy.
 *
 * <p>Not thread-safe: owned by one batch thread.
 */
public final class InputBuffers {
    private final LongBuffer ids;
    private final LongBuffer attentionMask;
    private final LongBuffer typeIds;
    private final int capacity;
    private int batch;
    private int sequenceLength;

    /** @param capacity most tokens (batch size × padded length) one batch may hold */
    public InputBuffers(int capacity) {
        this.capacity = capacity;
        this.ids = allocate(capacity);
        this.attentionMask = allocate(capacity);
        this.typeIds = allocate(capacity);
    }

    /** Starts a batch of {@code batch} rows padded to {@code sequenceLength}; every slot reads as padding. */
    public void reset(int batch, int sequenceLength) {
        long size = (long) batch * sequenceLength;
        if (size > capacity) {
            throw new IllegalArgumentException("batch of " + batch + " x " + sequenceLength + " exceeds the "
                                                       + capacity + "-token buffers");
        }
        this.batch = batch;
        this.sequenceLength = sequenceLength;
        for (LongBuffer b : new LongBuffer[] {ids, attentionMask, typeIds}) {
            b.clear();
            for (int i = 0; i < size; i++) {
                b.put(i, 0L);
            }
            b.limit((int) size);
        }
    }

    /** Writes one row: its tokens, then padding up to the batch's length. */
    public void putRow(int row, long[] tokenIds, long[] tokenTypes) {
        int base = row * sequenceLength;
        for (int i = 0; i < tokenIds.length; i++) {
            ids.put(base + i, tokenIds[i]);
            attentionMask.put(base + i, 1L);
            typeIds.put(base + i, tokenTypes[i]);
        }
    }

    public int batch() {
        return batch;
    }

    public int sequenceLength() {
        return sequenceLength;
    }

    LongBuffer ids() {
        return ids;
    }

    LongBuffer attentionMask() {
        return attentionMask;
    }

    LongBuffer typeIds() {
        return typeIds;
    }

    private static LongBuffer allocate(int capacity) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(capacity, Long.BYTES))
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
    }
}
