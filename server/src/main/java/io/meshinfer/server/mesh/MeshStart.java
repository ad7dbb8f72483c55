package io.meshinfer.server.mesh;

import java.util.Optional;

import io.meshinfer.connect.ConnectService;
import io.meshinfer.server.config.ServerConfig;

/**
 * Connect coming up on its own thread while the models load: neither needs the other, and on a small machine each
 * takes about a second (crypto provider and CA or agent on one side, the ONNX session on the other).
 */
public final class MeshStart {
    private final Thread thread;
    private volatile ConnectService service;
    private volatile Throwable failure;

    private MeshStart(ServerConfig config) {
        thread = config.connect().plaintext() ? null
                : Thread.ofPlatform().name("meshinfer-connect-start").daemon().start(() -> run(config));
    }

    /** Starts Connect as {@link Mesh#start} does, unless the listener serves plain HTTP. */
    public static MeshStart begin(ServerConfig config) {
        return new MeshStart(config);
    }

    /**
     * Waits for Connect and hands it over (the caller closes it); empty for plain HTTP.
     *
     * @throws RuntimeException what {@link Mesh#start} threw (an {@link Error} it threw is thrown as it is)
     */
    public Optional<ConnectService> await() {
        if (thread == null) {
            return Optional.empty();
        }
        join();
        switch (failure) {
            case null -> {
                return Optional.of(service);
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(failure);
        }
    }

    /**
     * Start-up failed elsewhere: waits for Connect and closes what came up. A failure of Connect's own joins
     * {@code cause} as a suppressed exception, so that neither is lost.
     */
    public void abandon(Throwable cause) {
        if (thread == null) {
            return;
        }
        join();
        if (failure != null) {
            cause.addSuppressed(failure);
        } else {
            try {
                service.close();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private void run(ServerConfig config) {
        try {
            service = Mesh.start(config);
        } catch (Throwable e) {
            // Handed to the starting thread, which reports it (an Error from a library's static start included).
            failure = e;
        }
    }

    // Not interruptible on purpose: the embedded CA may be writing its key files, and the wait is bounded by
    // Mesh.start's own deadline for the agent.
    private void join() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
