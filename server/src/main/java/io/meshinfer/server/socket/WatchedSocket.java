package io.meshinfer.server.socket;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * An accepted TCP connection whose input is a {@link ReadAheadInput}, so that a request waiting for the models can
 * learn that its caller hung up. TLS runs on top of it, layered. Forgets itself in its registry when closed.
 */
final class WatchedSocket extends Socket {
    private final CallerConnections registry;
    private ReadAheadInput input;

    WatchedSocket(CallerConnections registry) {
        this.registry = registry;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (input == null) {
            input = new ReadAheadInput(super.getInputStream());
        }
        return input;
    }

    /** Whether the peer has closed; starts watching when nobody reads. */
    boolean hungUp() {
        ReadAheadInput watched;
        synchronized (this) {
            watched = input;
        }
        if (watched == null || isClosed()) {
            return isClosed();
        }
        watched.watch();
        return watched.peerClosed();
    }

    @Override
    public synchronized void close() throws IOException {
        registry.forget(this);
        super.close();
    }
}
