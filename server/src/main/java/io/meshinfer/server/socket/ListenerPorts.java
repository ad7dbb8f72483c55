package io.meshinfer.server.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

/**
 * Whether the listeners' addresses can be bound. Helidon logs a listener that cannot bind and then starts none, without
 * failing; asking first, and again after a start that bound nothing, lets the server stop with the setting to change.
 */
public final class ListenerPorts {
    /** A listener's address, and the setting that chose its port. */
    public record Listener(String setting, String host, int port) {
    }

    private ListenerPorts() {
    }

    /** Why the first listener that cannot bind its address cannot, as an operator fixes it; empty when all can. */
    public static Optional<String> unavailable(List<Listener> listeners) {
        for (Listener listener : listeners) {
            if (listener.port() == 0) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                // As Helidon binds: a port whose old connections linger in TIME_WAIT is free.
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(listener.host(), listener.port()));
            } catch (IOException e) {
                return Optional.of("cannot listen on " + listener.host() + ":" + listener.port() + " ("
                                           + listener.setting() + "): " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
