package io.meshinfer.connect;

import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.common.mapper.MapperManager;

/**
 * Helidon's global {@link MapperManager}, fixed once per process. Until one is set, Helidon 4.2 looks it up in its
 * service registry on every use, and each HTTP/1 request's Content-Length goes through it: about 35 µs a request
 * on the server here. It can only be set before anything has used it, so the classes that build Helidon clients
 * and servers call {@link #fix()} as they load.
 */
public final class HelidonMappers {
    private static final AtomicBoolean FIXED = new AtomicBoolean();

    private HelidonMappers() {
    }

    /** Sets the global mapper manager, the first time only. */
    public static void fix() {
        if (FIXED.compareAndSet(false, true)) {
            MapperManager.global(MapperManager.create());
        }
    }
}
