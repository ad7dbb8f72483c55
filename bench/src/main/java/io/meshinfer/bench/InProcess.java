package io.meshinfer.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import ai.onnxruntime.OrtException;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.embedded.EmbeddedCa;
import io.meshinfer.connect.tls.ConnectTls;
import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.models.Model;
import io.meshinfer.models.runtime.InputBuffers;
import io.meshinfer.server.MeshinferServer;
import io.meshinfer.server.config.ConfigLoader;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.TruncationDirection;

/**
 * What the benches measure against: a quiet server in this JVM, and one sentence straight through the tokenizer and
 * the graph, as the batch thread does for a batch of one. Not thread-safe: one per measuring thread.
 */
final class InProcess {
    private final Model model;
    private final InputBuffers buffers;

    InProcess(Model model) {
        this.model = model;
        this.buffers = new InputBuffers(model.description().maxLength());
    }

    /** A plain-HTTP server on free loopback ports with these flags, logging only warnings. */
    static MeshinferServer server(String... flags) {
        List<String> args = new ArrayList<>(List.of("--plaintext"));
        args.addAll(List.of(flags));
        return mtlsServer(args.toArray(String[]::new));
    }

    /** A server on free loopback ports with these flags (mTLS unless they say otherwise), logging only warnings. */
    static MeshinferServer mtlsServer(String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--admin-port", "0", "--log-level", "warning"));
        args.addAll(List.of(flags));
        return MeshinferServer.start(ConfigLoader.load(args, Map.of()));
    }

    /** The TLS context of a caller named {@code service}, with a leaf from {@code ca}, that dials {@code inference}. */
    static SSLContext caller(EmbeddedCa ca, String service) {
        IdentityState identity = new IdentityState();
        identity.roots(ca.roots());
        identity.leaf(ca.issue(service, List.of(), List.of()));
        return ConnectTls.create(identity, id -> Decision.deny("dial only"), false)
                .clientContext(id -> id.service().equals("inference"));
    }

    /** A TCP connection to {@code port} on loopback, set up for TLS as a meshinfer peer does; not yet handshaken. */
    static SSLSocket dial(SSLContext caller, int port) throws IOException {
        SSLSocket socket = (SSLSocket) caller.getSocketFactory().createSocket("localhost", port);
        socket.setTcpNoDelay(true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        // One key share, as a meshinfer peer sends it; the JDK would otherwise compute an X25519 share too.
        parameters.setNamedGroups(new String[] {"secp256r1"});
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Tokenizes {@code text} as the embedding routes do and runs the graph on it, without batching or HTTP. */
    float[] run(String text) throws OrtException {
        Encoding e = model.tokenizer().encodeIds(text, false, TruncationDirection.RIGHT);
        buffers.reset(1, e.length());
        buffers.putRow(0, e.ids(), e.typeIds());
        return model.session().run(buffers, model.description().inputs(), model.description().output());
    }

    /** The median of {@code nanos}, in microseconds (sorts the array). */
    static double p50Micros(long[] nanos) {
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1e3;
    }
}
