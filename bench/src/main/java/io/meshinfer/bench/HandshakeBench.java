package io.meshinfer.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

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

import io.meshinfer.connect.Decision;
import io.meshinfer.connect.embedded.EmbeddedCa;
import io.meshinfer.connect.embedded.StateDirectory;
import io.meshinfer.connect.tls.ConnectTls;
import io.meshinfer.connect.tls.IdentityState;
import io.meshinfer.server.MeshinferServer;

/**
 * What a caller pays to open a connection to the mTLS listener, client-observed on loopback: TCP connect, the
 * TLS 1.3 handshake with both certificates verified and the L4 intention decision, up to the first response
 * byte of a {@code GET /health}. {@code full} forgets the session each time; {@code resumed} reuses the ticket
 * the server sent (the session cache is keyed by host name, hence "localhost"). Which crypto provider served is
 * printed at start: {@code bench/run} runs this twice, with and without Amazon Corretto Crypto Provider.
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
    private SSLContext caller;

    @Setup(Level.Trial)
    public void start() throws IOException {
        state = Files.createTempDirectory("meshinfer-handshake-bench");
        server = InProcess.mtlsServer("--state-dir", state.toString());
        EmbeddedCa ca = StateDirectory.open(state).ca();
        IdentityState web = new IdentityState();
        web.roots(ca.roots());
        web.leaf(ca.issue("web", List.of(), List.of()));
        caller = ConnectTls.create(web, id -> Decision.deny("dial only"), false)
                .clientContext(id -> id.service().equals("inference"));
        System.out.println("crypto provider: " + java.security.Security.getProviders()[0].getName());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        server.close();
    }

    @Benchmark
    public int full() throws IOException {
        return call(true);
    }

    @Benchmark
    public int resumed() throws IOException {
        return call(false);
    }

    private int call(boolean forget) throws IOException {
        try (SSLSocket socket = (SSLSocket) caller.getSocketFactory()
                .createSocket("localhost", server.port())) {
            socket.setTcpNoDelay(true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3"});
            // One key share, as a meshinfer peer sends it; the JDK would otherwise compute an X25519 share too.
            parameters.setNamedGroups(new String[] {"secp256r1"});
            socket.setSSLParameters(parameters);
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
}
