package io.meshinfer.server.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading a connection ahead on the owner's behalf: nothing is lost, and a peer's close is seen. */
class ReadAheadInputTest {
    private ServerSocket listener;
    private Socket peer;
    private Socket accepted;
    private ReadAheadInput input;

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        peer = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        accepted = listener.accept();
        input = new ReadAheadInput(accepted.getInputStream());
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
        accepted.close();
        listener.close();
    }

    @Test
    void bytesThatArriveWhileWatchedAreHandedToTheOwnersNextReadInOrder() throws Exception {
        input.watch();
        send("first request");
        Thread.sleep(100);
        send(", second");
        Thread.sleep(100);
        assertEquals("first request, second", read("first request, second".length()));
        assertFalse(input.peerClosed());
    }

    @Test
    void aPeerThatClosesWhileWatchedIsSeenWithoutTheOwnerReading() throws Exception {
        input.watch();
        send("goodbye");
        peer.close();
        awaitClosed();
        assertEquals("goodbye", read(7));
        assertEquals(-1, input.read());
    }

    @Test
    void theOwnersReadWaitsForAReadAheadInFlightInsteadOfRacingIt() throws Exception {
        input.watch();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
                send("late");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("late", read(4));
    }

    @Test
    void aPeerThatClosesUnderTheOwnersOwnReadIsSeenToo() throws Exception {
        peer.close();
        assertEquals(-1, input.read());
        assertTrue(input.peerClosed());
    }

    @Test
    void watchingDuringTheOwnersReadLeavesTheReadToTheOwner() throws Exception {
        Thread owner = Thread.ofVirtual().start(() -> {
            try {
                assertEquals("x", read(1));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        input.watch();
        send("x");
        owner.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(owner.isAlive());
    }

    @Test
    void theOwnersReadTimeoutEndsAReadAheadWithoutMarkingThePeerClosed() throws Exception {
        accepted.setSoTimeout(100);
        input.watch();
        Thread.sleep(300);
        assertFalse(input.peerClosed());
        send("after the timeout");
        accepted.setSoTimeout(5000);
        assertEquals("after the timeout", read(17));
    }

    @Test
    void theOwnersTimeoutStillReachesTheOwner() throws IOException {
        accepted.setSoTimeout(50);
        try {
            input.read();
        } catch (SocketTimeoutException expected) {
            assertFalse(input.peerClosed());
            return;
        }
        throw new AssertionError("no timeout");
    }

    @Test
    void aSmallReadTakesWhatHasArrivedAndTheNextReadsAreServedFromItWithoutTheConnection() throws Exception {
        AtomicInteger upstreamReads = new AtomicInteger();
        input = new ReadAheadInput(new FilterInputStream(accepted.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                upstreamReads.incrementAndGet();
                return super.read(b, off, len);
            }
        });
        send("HEAD!and the record's body");
        Thread.sleep(100);
        assertEquals("HEAD!", read(5));
        assertEquals(1, upstreamReads.get());
        assertEquals("and the record's body".length(), input.available());
        assertEquals("and the record's body", read("and the record's body".length()));
        assertEquals(1, upstreamReads.get());
        // What was kept comes before whatever a watch reads next.
        send(" first");
        Thread.sleep(100);
        assertEquals(" fir", read(4));
        input.watch();
        send(", then more");
        Thread.sleep(100);
        assertEquals("st, then more", read("st, then more".length()));
    }

    private void send(String text) throws IOException {
        OutputStream out = peer.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String read(int length) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            int n = input.read(bytes, done, length - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return new String(bytes, 0, done, StandardCharsets.US_ASCII);
    }

    private void awaitClosed() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!input.peerClosed()) {
            assertTrue(System.nanoTime() < until, "the peer's close was not seen");
            Thread.sleep(10);
        }
    }
}
