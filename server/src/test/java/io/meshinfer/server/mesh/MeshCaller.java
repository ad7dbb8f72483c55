package io.meshinfer.server.mesh;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.tls.CaRoots;
import io.meshinfer.connect.tls.ConnectTls;
import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.server.RawAnswer;

/**
 * A Connect-native caller holding a leaf the Consul agent issued, as another service in the mesh would: it trusts
 * the CA roots, checks the server's SPIFFE ID instead of a host name, and opens a new connection for every
 * request, so that each request meets the server's current identity and policy. Like any JDK client it resumes
 * its last session when the server lets it; {@link #fullHandshakes()} forgets each session instead.
 */
final class MeshCaller {
    private final SSLContext context;
    private final boolean resume;

    /** What one request saw: the HTTP status and the serial of the leaf the server presented. */
    record Answer(int status, String serverSerial) {
    }

    MeshCaller(JsonNode leaf, JsonNode roots, String target) {
        IdentityState state = new IdentityState();
        state.roots(CaRoots.fromConsul(roots));
        state.leaf(LeafCert.fromPem(leaf.path("CertPEM").asText(), leaf.path("PrivateKeyPEM").asText()));
        this.context = ConnectTls.create(state, id -> Decision.deny("dial only"), false)
                .clientContext(id -> id.service().equals(target));
        this.resume = true;
    }

    private MeshCaller(SSLContext context, boolean resume) {
        this.context = context;
        this.resume = resume;
    }

    /** The same caller, running a full handshake (certificates sent and checked) for every request. */
    MeshCaller fullHandshakes() {
        return new MeshCaller(context, false);
    }

    /** A caller that trusts the CA (so it would accept our server) but has no certificate of its own. */
    static MeshCaller anonymous(JsonNode roots) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate root : CaRoots.fromConsul(roots).roots()) {
            trust.setCertificateEntry("root-" + i++, root);
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return new MeshCaller(context, true);
    }

    SSLContext context() {
        return context;
    }

    /**
     * Handshakes and waits for the server's first record without sending anything, so that a refusal arrives as
     * the server's alert rather than as a broken pipe under a request still being written.
     */
    void awaitAnswer(int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getInputStream().read();
        }
    }

    /** POSTs {@code body} to {@code path} over a new connection; throws when the handshake is refused. */
    Answer post(int port, String path, String body) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: inference\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            RawAnswer answer = RawAnswer.read(socket.getInputStream());
            if (!answer.head().startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP answer: '" + answer.head() + "'");
            }
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            if (!resume) {
                socket.getSession().invalidate();
            }
            return new Answer(answer.status(), LeafCert.serialOf(served));
        }
    }
}
