package io.meshinfer.server.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshinfer.server.RawAnswer;
import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad request gets its status and a JSON error, and the next request is served normally. */
class BadInputTest {
    @RegisterExtension
    static final TestServer server = TestServer.start("--max-client-batch-size", "4", "--payload-limit", "4096");

    record Case(String name, String path, String body, int status, String errorType) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String overLong = "word ".repeat(400);
        return Stream.of(
                new Case("malformed JSON", "/embed", "{\"inputs\": ", 400, "BadRequest"),
                new Case("text after the JSON object", "/embed", "{\"inputs\": \"a\"}},{}", 400, "BadRequest"),
                new Case("a key given twice", "/embed", "{\"inputs\": \"a\", \"inputs\": [\"b\"]}", 400,
                         "BadRequest"),
                new Case("empty body", "/embed", "", 400, "BadRequest"),
                new Case("body is not an object", "/embed", "[\"hello\"]", 422, "Validation"),
                new Case("missing inputs", "/embed", "{}", 422, "Validation"),
                new Case("inputs of the wrong type", "/embed", "{\"inputs\": 42}", 422, "Validation"),
                new Case("inputs with a wrong element", "/embed", "{\"inputs\": [\"a\", 3.5]}", 422, "Validation"),
                new Case("a lone surrogate", "/tokenize", "{\"inputs\": \"\\ud800 x\"}", 400, "BadRequest"),
                new Case("a lone surrogate in a batch", "/embed", "{\"inputs\": [\"a\", \"x\\udc00\"]}", 400,
                         "BadRequest"),
                new Case("empty string", "/embed", "{\"inputs\": \"\"}", 400, "Empty"),
                new Case("empty array", "/embed", "{\"inputs\": []}", 400, "Empty"),
                new Case("too many inputs", "/embed", "{\"inputs\": [\"a\",\"b\",\"c\",\"d\",\"e\"]}", 413,
                         "Validation"),
                new Case("too many inputs, one outside the vocabulary", "/embed",
                         "{\"inputs\": [[101], [102], [103], [104], [99999999]]}", 413, "Validation"),
                new Case("over-long input without truncation", "/embed",
                         "{\"inputs\": \"" + overLong + "\", \"truncate\": false}", 422, "Validation"),
                new Case("normalize of the wrong type", "/embed", "{\"inputs\": \"a\", \"normalize\": \"yes\"}", 422,
                         "Validation"),
                new Case("dimensions larger than the model's", "/embed", "{\"inputs\": \"a\", \"dimensions\": 999}",
                         422, "Validation"),
                new Case("negative dimensions", "/embed", "{\"inputs\": \"a\", \"dimensions\": -1}", 422,
                         "Validation"),
                new Case("unknown truncation direction", "/embed",
                         "{\"inputs\": \"a\", \"truncate\": true, \"truncation_direction\": \"Up\"}", 422,
                         "Validation"),
                new Case("token id outside the vocabulary", "/embed", "{\"inputs\": [101, 99999999, 102]}", 422,
                         "Validation"),
                new Case("negative token id", "/embed", "{\"inputs\": [101, -5, 102]}", 422, "Validation"),
                new Case("classifier route on an embedding model", "/predict", "{\"inputs\": \"a\"}", 424,
                         "Backend"),
                new Case("rerank on an embedding model", "/rerank", "{\"query\": \"a\", \"texts\": [\"b\"]}", 424,
                         "Backend"),
                new Case("similarity without sentences", "/similarity",
                         "{\"inputs\": {\"source_sentence\": \"a\"}}", 422, "Validation"),
                new Case("similarity with empty sentences", "/similarity",
                         "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": []}}", 400, "Empty"),
                new Case("decode of non-integers", "/decode", "{\"ids\": [\"a\"]}", 422, "Validation"),
                new Case("decode of an id outside the vocabulary", "/decode", "{\"ids\": [101, 30522]}", 422,
                         "Validation"),
                new Case("decode of an empty batch entry", "/decode", "{\"ids\": [[]]}", 400, "Empty"),
                new Case("decode of an empty entry after a full one", "/decode", "{\"ids\": [[101], []]}", 400,
                         "Empty"),
                new Case("tokenize of an empty string", "/tokenize", "{\"inputs\": \"\"}", 400, "Empty"),
                new Case("tokenize of an empty string in a batch", "/tokenize", "{\"inputs\": [\"a\", \"\"]}", 400,
                         "Empty"),
                new Case("tokenize of a number", "/tokenize", "{\"inputs\": 1}", 422, "Validation"),
                new Case("unknown model", "/models/nope/embed", "{\"inputs\": \"a\"}", 404, "NotFound"),
                new Case("unknown route", "/nope", "{}", 404, "NotFound"),
                new Case("body over the payload limit", "/embed",
                         "{\"inputs\": \"" + "a".repeat(5000) + "\"}", 413, "PayloadTooLarge"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void badRequestsGetTheirStatusAndAJsonError(Case c) {
        Reply reply = server.post(c.path(), c.body());
        assertEquals(c.status(), reply.status(), reply.body());
        assertNotNull(reply.json(), "JSON body expected: " + reply.body());
        assertEquals(c.errorType(), reply.json().get("error_type").asText(), reply.body());
        assertTrue(reply.json().get("error").asText().length() > 5, reply.body());
        if (c.path().startsWith("/embed") || c.path().startsWith("/predict")) {
            assertTrue(reply.headers().firstValue("x-total-time").isPresent(), "errors carry timing headers too");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5", "1.5", "86400001", ""})
    void aDeadlineHeaderThatIsNotWholeMillisecondsWithinADayIsABadRequest(String value) {
        for (String header : List.of("x-request-timeout-ms", "x-envoy-expected-rq-timeout-ms")) {
            Reply reply = server.post("/embed", "{\"inputs\": \"a\"}", header, value);
            assertEquals(400, reply.status(), reply.body());
            assertEquals("BadRequest", reply.json().get("error_type").asText());
            assertTrue(reply.json().get("error").asText().contains(header), reply.body());
        }
        assertEquals(200, server.post("/embed", "{\"inputs\": \"a\"}", "x-request-timeout-ms", "0").status(),
                     "0 is no deadline");
    }

    @Test
    void invalidUtf8IsABadRequest() {
        byte[] body = "{\"inputs\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        Reply reply = server.postBytes("/embed", body);
        assertEquals(400, reply.status(), reply.body());
        assertEquals("BadRequest", reply.json().get("error_type").asText());
    }

    @Test
    void aRequestCancelledMidFlightIsCountedAndNeverA5xx() throws Exception {
        String body = "{\"inputs\": [\"" + "a long text to embed ".repeat(10) + "\"]}";
        String head = "POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n";
        long before = embedRequests("");
        long endedEarly = embedRequests("400");
        long serverErrors = embedRequests("5");
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
                socket.getOutputStream().write((head + body.substring(0, body.length() / 2))
                                                       .getBytes(StandardCharsets.UTF_8));
            }
            try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
                socket.getOutputStream().write((head + body).getBytes(StandardCharsets.UTF_8));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (embedRequests("") < before + 10 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 10, embedRequests(""), "every cancelled request is recorded once");
        assertEquals(endedEarly + 5, embedRequests("400"), "a body cut short is a 400, request body ended early");
        assertEquals(serverErrors, embedRequests("5"), "never a 5xx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\nA header line without a colon\r\n\r\n"})
    void aMalformedHeadGetsAJsonBadRequest(String head) throws IOException {
        String answer = raw(head);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertJsonError(answer, "BadRequest");
    }

    @Test
    void aHeadOverTheSizeLimitGetsAJsonError() throws IOException {
        String bigHeader = raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertTrue(bigHeader.startsWith("HTTP/1.1 400"), bigHeader);
        assertJsonError(bigHeader, "BadRequest");
        String longPath = raw("GET /" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(longPath.startsWith("HTTP/1.1 414"), longPath);
        assertJsonError(longPath, "PayloadTooLarge");
    }

    @Test
    void aChunkedBodyOverThePayloadLimitIs413() throws IOException {
        String chunk = "a".repeat(1000);
        StringBuilder request = new StringBuilder("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 6; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        String answer = raw(request.append("0\r\n\r\n").toString());
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertJsonError(answer, "PayloadTooLarge");
    }

    @Test
    void aCompressedBodyIs415SayingToSendItUncompressed() throws IOException {
        String answer = raw("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd");
        assertTrue(answer.startsWith("HTTP/1.1 415"), answer);
        assertJsonError(answer, "BadRequest");
        assertTrue(answer.contains("Content-Encoding gzip is not supported"), answer);
    }

    /** Helidon speaks HTTP/1.1 and HTTP/2 only: an HTTP/1.0 caller (ApacheBench, old health checks) learns why. */
    @Test
    void anHttp10RequestGetsAJson505AndTheNextHttp11RequestIsServed() throws IOException {
        String answer = raw("GET /health HTTP/1.0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.0 505"), answer);
        assertJsonError(answer, "BadRequest");
        assertTrue(answer.contains("HTTP/1.0 is not supported: send HTTP/1.1"), answer);
        String post = raw("POST /embed HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                + "{\"inputs\": \"a\"}");
        assertTrue(post.startsWith("HTTP/1.0 505"), post);
        assertTrue(raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    /**
     * A caller that resets its connection (while sending, or before its answer is written) is nobody's error: no
     * warning with a stack trace (a client doing it in a loop would fill the disk), no 500, and the next caller is
     * served.
     */
    @Test
    void callersResettingTheirConnectionsAreNeitherLoggedLoudlyNorCountedAs500() throws Exception {
        List<LogRecord> loud = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    loud.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            byte[] request = ("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 16\r\n\r\n{\"inputs\": \"ab\"}").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 200; i++) {
                try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
                    socket.setSoLinger(true, 0);
                    socket.getOutputStream().write(request, 0, i % 2 == 0 ? request.length : request.length - 5);
                }
            }
            assertEquals(200, server.post("/embed", "{\"inputs\": \"a\"}").status());
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), loud.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        assertEquals(0.0, server.metricSamples().entrySet().stream()
                .filter(e -> e.getKey().startsWith("meshinfer_http_requests_total") && e.getKey().contains("\"500\""))
                .mapToDouble(Map.Entry::getValue).sum());
    }

    /** Sends bytes on a new connection and reads the answer (head and body), waiting up to 30 s for it. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            RawAnswer answer = RawAnswer.read(socket.getInputStream());
            return answer.head() + answer.body();
        }
    }

    private static void assertJsonError(String answer, String errorType) throws IOException {
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
        assertTrue(head.contains("content-type: application/json"), answer);
        JsonNode body = JsonBody.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals(errorType, body.get("error_type").asText(), answer);
    }

    /** The sum of {@code meshinfer_http_requests_total} for route embed over the statuses starting with a prefix. */
    private static long embedRequests(String statusPrefix) {
        return (long) server.metricSamples().entrySet().stream()
                .filter(e -> e.getKey().startsWith("meshinfer_http_requests_total{route=\"embed\",status=\""
                                                           + statusPrefix))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    @Test
    void aWrongMethodIs405() {
        Reply reply = server.get("/embed");
        assertEquals(405, reply.status());
        assertEquals("MethodNotAllowed", reply.json().get("error_type").asText());
        assertEquals("POST", reply.headers().firstValue("allow").orElse(""), "HTTP asks a 405 to say what is");
        Reply info = server.method("DELETE", "/info");
        assertEquals(405, info.status());
        assertEquals("GET", info.headers().firstValue("allow").orElse(""));
        assertEquals("GET, POST", server.method("PUT", "/").headers().firstValue("allow").orElse(""));
        for (String path : List.of("/ping", "/", "/models/all-MiniLM-L6-v2", "/invocations")) {
            assertEquals(405, server.method("PUT", path).status(), path);
        }
        Reply openAi = server.method("DELETE", "/v1/models");
        assertEquals(405, openAi.status());
        assertEquals("invalid_request_error", openAi.json().at("/error/type").asText(), "OpenAI's shape on /v1");
        assertEquals(405, server.get("/embeddings").status());
    }

    @Test
    void openAiRoutesAnswerInOpenAisErrorShape() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": []}");
        assertEquals(400, reply.status());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText());
        assertEquals("input", reply.json().at("/error/param").asText());
        assertTrue(reply.json().at("/error/message").asText().contains("empty"));
        Reply unknown = server.post("/v1/embeddings", "{\"input\": \"a\", \"model\": \"gpt-4\"}");
        assertEquals(404, unknown.status());
        assertEquals("model", unknown.json().at("/error/param").asText());
        Reply tooMany = server.post("/v1/embeddings", "{\"input\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}");
        assertEquals(413, tooMany.status(), tooMany.body());
        assertEquals("input", tooMany.json().at("/error/param").asText());
        assertTrue(tooMany.json().at("/error/message").asText().contains("4"), tooMany.body());
        Reply tooLarge = server.post("/v1/embeddings", "{\"input\": \"" + "a".repeat(5000) + "\"}");
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertTrue(tooLarge.json().at("/error/message").isTextual(), tooLarge.body());
        Reply nowhere = server.post("/v1/chat/completions", "{\"messages\": []}");
        assertEquals(404, nowhere.status(), nowhere.body());
        assertTrue(nowhere.json().at("/error/type").isTextual(), "OpenAI's shape on an unknown /v1 path");
    }

    @Test
    void truncationMakesAnOverLongInputValid() {
        Reply reply = server.post("/embed", "{\"inputs\": \"" + "word ".repeat(400) + "\", \"truncate\": true}");
        assertEquals(200, reply.status(), reply.body());
    }

    @AfterEach
    void theNextRequestIsServedNormally() {
        Reply reply = server.post("/embed", "{\"inputs\": \"still serving\"}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(384, reply.json().get(0).size());
    }
}
