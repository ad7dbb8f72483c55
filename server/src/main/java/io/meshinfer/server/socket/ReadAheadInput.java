package io.meshinfer.server.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's input that can be read ahead while its owner is busy elsewhere, to learn that the peer closed.
 *
 * <p>An HTTP/1.1 server thread does not read its socket while a handler runs, so a caller that hangs up goes
 * unnoticed until the answer is written. {@link #watch()} starts a virtual thread that reads on the owner's behalf;
 * what it reads is kept and handed to the owner's next read, so nothing is lost (a pipelined request, a TLS alert),
 * and end of stream marks the peer {@linkplain #peerClosed() closed}. Only one thread is ever inside the upstream
 * read: the owner waits for the read-ahead instead of racing it.
 *
 * <p>A small read by the owner takes whatever has arrived and keeps the rest for the next one: TLS reads a record's
 * five-byte header and then its body, which would otherwise be two system calls per record. Thread-safe.
 */
final class ReadAheadInput extends InputStream {
    /** A peer that keeps sending is not gone; stop buffering for it past this. */
    private static final int LIMIT = 64 * 1024;
    /** The most a small read takes from the connection at once: a whole TLS record (16 KiB and its overhead). */
    private static final int CHUNK = 16 * 1024 + 256;

    private final InputStream upstream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private byte[] buffer = new byte[0];
    private int start;
    private int end;
    private boolean readingAhead;
    private boolean ownerReading;
    private boolean watching;
    private IOException failure;
    private volatile boolean ended;

    ReadAheadInput(InputStream upstream) {
        this.upstream = upstream;
    }

    /** Whether the peer closed its side (or the connection failed); sticky. */
    boolean peerClosed() {
        return ended;
    }

    /**
     * Reads ahead until the owner reads again, unless someone is already reading: the owner's own read (as an
     * HTTP/2 connection always has one pending) sees the end of stream by itself.
     */
    void watch() {
        lock.lock();
        try {
            if (ended || readingAhead || ownerReading) {
                return;
            }
            readingAhead = true;
            watching = true;
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("read-ahead").start(this::readAhead);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            watching = false;
            // One reader at a time: what another owner read and kept may be this read's answer.
            while (end == start && (readingAhead || ownerReading)) {
                changed.await();
            }
            if (end > start) {
                int n = Math.min(len, end - start);
                System.arraycopy(buffer, start, b, off, n);
                start += n;
                return n;
            }
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            ownerReading = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the connection was read ahead");
        } finally {
            lock.unlock();
        }
        boolean peerGone = true;
        try {
            if (len >= CHUNK) {
                int n = upstream.read(b, off, len);
                peerGone = n < 0;
                return n;
            }
            // The buffer is empty and nobody else touches it while this owner reads: the read-ahead does not start
            // and other owners wait. So the connection is read straight into it, and the read is served from it.
            byte[] into = buffer.length >= CHUNK ? buffer : new byte[CHUNK];
            int n = upstream.read(into, 0, CHUNK);
            peerGone = n < 0;
            if (n <= 0) {
                return n;
            }
            lock.lock();
            try {
                buffer = into;
                start = Math.min(n, len);
                end = n;
                System.arraycopy(buffer, 0, b, off, start);
                return start;
            } finally {
                lock.unlock();
            }
        } catch (SocketTimeoutException e) {
            peerGone = false;
            throw e;
        } finally {
            lock.lock();
            try {
                ownerReading = false;
                ended |= peerGone;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public int available() throws IOException {
        lock.lock();
        try {
            if (end > start) {
                return end - start;
            }
            if (readingAhead || ended) {
                return 0;
            }
        } finally {
            lock.unlock();
        }
        return upstream.available();
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }

    private void readAhead() {
        byte[] chunk = new byte[8192];
        while (true) {
            int n;
            IOException error = null;
            boolean timedOut = false;
            try {
                n = upstream.read(chunk);
            } catch (SocketTimeoutException e) {
                // The owner's read timeout, not the peer's doing: stop, and let the owner's next read decide.
                n = 0;
                timedOut = true;
            } catch (IOException e) {
                n = -1;
                error = e;
            }
            lock.lock();
            try {
                if (n > 0) {
                    append(chunk, n);
                } else if (n < 0) {
                    ended = true;
                    failure = error;
                }
                changed.signalAll();
                if (n < 0 || timedOut || !watching || end - start >= LIMIT) {
                    readingAhead = false;
                    watching = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void append(byte[] chunk, int n) {
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (end + n > buffer.length) {
            int live = end - start;
            byte[] grown = live + n > buffer.length ? new byte[Math.max(live + n, buffer.length * 2)] : buffer;
            System.arraycopy(buffer, start, grown, 0, live);
            buffer = grown;
            start = 0;
            end = live;
        }
        System.arraycopy(chunk, 0, buffer, end, n);
        end += n;
    }
}
