package io.meshinfer.server.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.server.RawAnswer;
import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;
import io.meshinfer.server.cli.CertCommand;

/**
 * A caller that hangs up while its request waits for the model is noticed on the mTLS listener, over HTTP/1.1 and
 * HTTP/2, and its input is dropped before inference; watching a connection loses none of the bytes that follow on
 * it. A long batch delay keeps the model busy with a first request, so that the second one waits.
 */
class CallerHangUpTest {
    private static final String MODEL = "all-MiniLM-L6-v2";

    @TempDir
    Path temp;
    SSLContext web;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        Path state = temp.resolve("state");
        Path out = temp.resolve("web");
        assertEquals(0, CertCommand.run(List.of("issue", "--service", "web", "--out", out.toString(), "--state-dir",
                                                state.toString())));
        web = CallerFiles.context(out);
        server = TestServer.startMtls(web, "--state-dir", state.toString(), "--max-batch-delay", "1500000");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anHttp11CallerThatHangsUpInTheQueueHasItsInputDropped() throws Exception {
        CompletableFuture<Reply> first = holdTheModel();
        SSLSocket socket = connect("http/1.1");
        send(socket, embed("hangs up"));
        hangUpOnceArrived(socket);
        assertServedTheFirstAndDroppedTheOther(first);
    }

    @Test
    void anHttp2CallerThatHangsUpInTheQueueHasItsInputDropped() throws Exception {
        CompletableFuture<Reply> first = holdTheModel();
        SSLSocket socket = connect("h2");
        assertEquals("h2", socket.getApplicationProtocol());
        OutputStream out = socket.getOutputStream();
        String body = "{\"inputs\": \"hangs up\"}";
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(out, 0x4, 0, 0, new byte[0]);
        frame(out, 0x1, 0x4, 1, headers("/embed", "content-type", "application/json", "content-length",
                                         Integer.toString(body.length())));
        frame(out, 0x0, 0x1, 1, body.getBytes(StandardCharsets.UTF_8));
        out.flush();
        hangUpOnceArrived(socket);
        assertServedTheFirstAndDroppedTheOther(first);
    }

    @Test
    void aWatchedKeepAliveConnectionServesTheRequestsThatFollowIncludingPipelinedOnes() throws Exception {
        CompletableFuture<Reply> first = holdTheModel();
        try (SSLSocket socket = connect("http/1.1")) {
            // Both requests in one write: the second arrives while the first waits, and is read ahead.
            send(socket, embed("waits") + embed("pipelined"));
            assertEquals(200, status(socket));
            assertEquals(200, status(socket));
            send(socket, embed("later"));
            assertEquals(200, status(socket));
        }
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        assertTrue(metrics().contains("meshinfer_http_requests_total{route=\"embed\",status=\"200\"} 4"), metrics());
    }

    // A request without a deadline that keeps the batch open for the batch delay.
    private CompletableFuture<Reply> holdTheModel() throws InterruptedException {
        CompletableFuture<Reply> first = CompletableFuture.supplyAsync(
                () -> server.post("/embed", "{\"inputs\": \"holds the batch open\"}"));
        Thread.sleep(300);
        return first;
    }

    // Closes the connection once its request is inside the server, waiting behind the first.
    private void hangUpOnceArrived(SSLSocket socket) throws InterruptedException, IOException {
        awaitArrivals(2);
        Thread.sleep(100);
        socket.close();
    }

    private void assertServedTheFirstAndDroppedTheOther(CompletableFuture<Reply> first) throws Exception {
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        // The hung-up request finishes on the server a moment after the batch.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!metrics().contains("status=\"499\"") && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        String metrics = metrics();
        assertTrue(metrics.contains("meshinfer_batch_dropped_inputs_total{model=\"" + MODEL + "\"} 1"), metrics);
        assertTrue(metrics.contains("te_batch_next_size_sum{model=\"" + MODEL + "\"} 1"), metrics);
        assertTrue(metrics.contains("meshinfer_http_requests_total{route=\"embed\",status=\"499\"} 1"), metrics);
    }

    // Waits until the server has authorized this many requests, so that the last one is inside the server.
    private void awaitArrivals(int requests) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!metrics().contains("meshinfer_authz_decisions_total{decision=\"allow\",source=\"web\"} " + requests)) {
            assertTrue(System.nanoTime() < until, "request " + requests + " never arrived: " + metrics());
            Thread.sleep(10);
        }
    }

    private String metrics() {
        return server.admin("/metrics").body();
    }

    private SSLSocket connect(String protocol) throws IOException {
        SSLSocket socket = (SSLSocket) web.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                                                                          server.server().port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    // An HTTP/2 frame: 24-bit length, type, flags, stream id.
    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream});
        out.write(payload);
    }

    // A POST's header block in HPACK: the pseudo-headers from the static table (Helidon insists), the other fields as
    // literals without indexing and without Huffman coding.
    private static byte[] headers(String path, String... namesAndValues) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x83);
        block.write(0x87);
        block.write(0x04);
        hpackString(block, path);
        block.write(0x01);
        hpackString(block, "inference");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            block.write(0x00);
            hpackString(block, namesAndValues[i]);
            hpackString(block, namesAndValues[i + 1]);
        }
        return block.toByteArray();
    }

    private static void hpackString(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    private static String embed(String text) {
        String body = "{\"inputs\": \"" + text + "\"}";
        return "POST /embed HTTP/1.1\r\nHost: inference\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    private static void send(SSLSocket socket, String requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requests.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    // Reads one answer (head and body) and returns its status.
    private static int status(SSLSocket socket) throws IOException {
        return RawAnswer.read(socket.getInputStream()).status();
    }
}
