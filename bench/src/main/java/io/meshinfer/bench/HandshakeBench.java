package io.meshinfer.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.meshinfer.connect.embedded.EmbeddedCa;
import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.connect.tls.LeafCert;
import io.meshinfer.server.MeshinferServer;

/**
 * What a caller pays to open a connection to the mTLS listener, client-observed on loopback: TCP connect, the
 * TLS 1.3 handshake with both certificates verified and the L4 intention decision, up to the first response
 * byte of a {@code GET /health}. {@code full} forgets the session each time; {@code resumed} reuses the ticket
 * the server sent (the session cache is keyed by host name, hence "localhost"). Which crypto provider served is
 * printed at start: {@code bench/run} runs this twice, with and without Amazon Corretto Crypto Provider.
 *
 * <p>{@code bareJdkFull} is the same-run reference: the same caller, certificates and provider against a bare JDK
 * {@code SSLServerSocket} (PKIX trust, client certificate required, no Helidon, no intentions) that answers a
 * fixed response. The machine's speed drifts between runs, so compare {@code full} with it, not with last week.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class HandshakeBench {
    private static final byte[] HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private Path state;
    private MeshinferServer server;
    private BareServer bare;
    private SSLContext caller;

    @Setup(Level.Trial)
    public void start() throws IOException {
        state = Files.createTempDirectory("meshinfer-handshake-bench");
        server = InProcess.mtlsServer("--state-dir", state.toString());
        EmbeddedCa ca = StateDirectory.open(state).ca();
        caller = InProcess.caller(ca, "web");
        bare = bareServer(ca);
        System.out.println("crypto provider: " + java.security.Security.getProviders()[0].getName());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        server.close();
        bare.close();
    }

    @Benchmark
    public int full() throws IOException {
        return call(true);
    }

    @Benchmark
    public int resumed() throws IOException {
        return call(false);
    }

    @Benchmark
    public int bareJdkFull() throws IOException {
        return call(bare.port(), true);
    }

    private int call(boolean forget) throws IOException {
        return call(server.port(), forget);
    }

    private int call(int port, boolean forget) throws IOException {
        try (SSLSocket socket = InProcess.dial(caller, port)) {
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(HEALTH);
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            if (forget) {
                socket.getSession().invalidate();
            }
            return first;
        }
    }

    // The reference server: the JDK's own key and trust managers over the embedded CA's material.
    private static BareServer bareServer(EmbeddedCa ca) throws IOException {
        try {
            LeafCert leaf = ca.issue("inference", List.of("localhost"), List.of("127.0.0.1"));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("leaf", leaf.key(), new char[0], leaf.chain().toArray(Certificate[]::new));
            // SunX509 reads the key once; PKIX would decrypt it from the PKCS12 store in every handshake.
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("SunX509");
            keyManagers.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", ca.roots().roots().getFirst());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            return BareServer.start(listener, false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the reference TLS server", e);
        }
    }
}
