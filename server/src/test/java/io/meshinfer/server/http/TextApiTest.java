package io.meshinfer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static io.meshinfer.server.http.JsonVectors.cosine;
import static io.meshinfer.server.http.JsonVectors.floats;
import static io.meshinfer.server.http.JsonVectors.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokenize, decode, similarity, embed_all and TEI's compat route on the built-in model. */
class TextApiTest {
    @RegisterExtension
    static final TestServer server = TestServer.start();

    @Test
    void tokenizeReportsIdsTextSpecialFlagsAndCodePointOffsets() {
        Reply reply = server.post("/tokenize", "{\"inputs\": \"héllo 😀 world\"}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode tokens = reply.json().get(0);
        assertEquals("[CLS]", tokens.get(0).get("text").asText());
        assertTrue(tokens.get(0).get("special").asBoolean());
        JsonNode world = tokens.get(tokens.size() - 2);
        assertEquals("world", world.get("text").asText());
        assertEquals(8, world.get("start").asInt());
        assertEquals(13, world.get("stop").asInt());
        assertEquals(2088, world.get("id").asInt());
    }

    @Test
    void tokenizeWithoutSpecialTokensAndInBatches() {
        Reply reply = server.post("/tokenize", "{\"inputs\": [\"a b\", \"c\"], \"add_special_tokens\": false}");
        assertEquals(2, reply.json().size());
        assertEquals(2, reply.json().get(0).size());
        assertFalse(reply.json().get(0).get(0).get("special").asBoolean());
    }

    @Test
    void decodeTurnsIdsBackIntoText() {
        Reply one = server.post("/decode", "{\"ids\": [101, 7592, 2088, 102]}");
        assertEquals("hello world", one.json().get(0).asText());
        Reply keep = server.post("/decode", "{\"ids\": [[101, 7592, 102]], \"skip_special_tokens\": false}");
        assertEquals("[CLS] hello [SEP]", keep.json().get(0).asText());
    }

    @Test
    void similarityRanksTheCloserSentenceHigher() {
        Reply reply = server.post("/similarity", "{\"inputs\": {\"source_sentence\": \"a cat sits on the mat\", "
                + "\"sentences\": [\"a kitten rests on a rug\", \"stock markets fell sharply\"]}}");
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.json().get(0).asDouble() > reply.json().get(1).asDouble(), reply.body());
    }

    @Test
    void similarityTakesItsOptionsInsideParametersAsTeiDoes() {
        String longText = "word ".repeat(400);
        String inputs = "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"" + longText + "\"]}";
        assertEquals(200, server.post("/similarity", inputs + "}").status());
        Reply strict = server.post("/similarity", inputs + ", \"parameters\": {\"truncate\": false}}");
        assertEquals(422, strict.status(), strict.body());
        assertEquals("Validation", strict.json().get("error_type").asText());
    }

    @Test
    void embedAllGivesOneVectorPerTokenSpecialTokensIncluded() {
        Reply reply = server.post("/embed_all", "{\"inputs\": [\"hello world\"]}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode tokens = reply.json().get(0);
        assertEquals(4, tokens.size());
        assertEquals(384, tokens.get(0).size());
        // They are the vectors the model pools: their mean is the sentence's embedding (mean pooling over every
        // token, special ones included, as sentence-transformers pools all-MiniLM-L6-v2).
        float[] mean = new float[384];
        for (JsonNode token : tokens) {
            float[] vector = floats(token);
            for (int i = 0; i < mean.length; i++) {
                mean[i] += vector[i] / tokens.size();
            }
        }
        JsonNode pooled = server.post("/embed", "{\"inputs\": \"hello world\"}").json().get(0);
        assertEquals(1.0, cosine(mean, floats(pooled)), 1e-6);
    }

    @Test
    void tokenIdInputsAreEmbeddedAsGiven() {
        Reply ids = server.post("/embed", "{\"inputs\": [101, 7592, 102]}");
        Reply text = server.post("/embed", "{\"inputs\": \"hello\"}");
        assertEquals(200, ids.status(), ids.body());
        assertEquals(text.json(), ids.json());
    }

    @Test
    void theRootRouteAnswersWithTheModelsOwnTaskAndAcceptsParameters() {
        Reply embed = server.post("/", "{\"inputs\": \"hello\", \"parameters\": {\"normalize\": true}}");
        assertEquals(200, embed.status(), embed.body());
        assertEquals(server.post("/embed", "{\"inputs\": \"hello\"}").json(), embed.json());
        Reply similarity = server.post("/", "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"a\"]}}");
        assertEquals(1.0, similarity.json().get(0).asDouble(), 1e-5);
        Reply raw = server.post("/", "{\"inputs\": \"hello\", \"parameters\": {\"normalize\": false}}");
        assertTrue(Math.abs(norm(raw.json().get(0)) - 1) > 1e-3);
        // SageMaker's path for the same route.
        assertEquals(embed.json(), server.post("/invocations", "{\"inputs\": \"hello\"}").json());
    }

    @Test
    void healthAnswersOnTeisThreePaths() {
        for (String path : new String[] {"/health", "/ping", "/", "/models/all-MiniLM-L6-v2/"}) {
            assertEquals(200, server.get(path).status(), path);
        }
        assertEquals("all-MiniLM-L6-v2", server.get("/info").json().get("served_model_name").asText());
    }

    @Test
    void aPromptNameTheModelDoesNotHaveIsRefused() {
        Reply reply = server.post("/embed", "{\"inputs\": \"a\", \"prompt_name\": \"query\"}");
        assertEquals(422, reply.status());
        assertTrue(reply.json().get("error").asText().contains("no prompt named 'query'"), reply.body());
    }

    @Test
    void leftTruncationKeepsTheEndOfTheText() {
        // One token a word: 301 words where 254 fit between [CLS] and [SEP].
        String text = "alpha ".repeat(300) + "omega";
        Reply right = server.post("/embed", "{\"inputs\": \"" + text + "\", \"truncate\": true}");
        Reply left = server.post("/embed", "{\"inputs\": \"" + text + "\", \"truncate\": true, "
                + "\"truncation_direction\": \"Left\"}");
        assertEquals(200, left.status(), left.body());
        Reply head = server.post("/embed", "{\"inputs\": \"" + "alpha ".repeat(254).strip() + "\"}");
        Reply tail = server.post("/embed", "{\"inputs\": \"" + "alpha ".repeat(253) + "omega\"}");
        assertEquals(1.0, cosine(right.json().get(0), head.json().get(0)), 1e-6);
        assertEquals(1.0, cosine(left.json().get(0), tail.json().get(0)), 1e-6);
        assertTrue(cosine(left.json().get(0), right.json().get(0)) < 0.99999, "the two ends differ");
    }

    /**
     * An input is held to 250 characters per token of the model's length, as TEI holds it: beyond that {@code
     * /tokenize} refuses, an embedding route refuses without truncation and cuts with it.
     */
    @Test
    void anInputOverTheCharacterLimitIsRefusedOrCut() {
        String text = "lorem ipsum ".repeat(5_334);
        assertEquals(64_008, text.length());
        for (String request : new String[] {
                "{\"inputs\": \"" + text + "\"}",
                "{\"inputs\": \"" + text + "\", \"truncate\": false}"}) {
            Reply refused = server.post(request.contains("truncate") ? "/embed" : "/tokenize", request);
            assertEquals(422, refused.status(), refused.body());
            assertEquals("Validation", refused.json().get("error_type").asText());
            assertTrue(refused.json().get("error").asText().contains("64001 characters; given: 64008"),
                       refused.body());
        }
        Reply cut = server.post("/embed", "{\"inputs\": \"" + text + "\", \"truncate\": true}");
        assertEquals(200, cut.status(), cut.body());
        assertEquals(server.post("/embed", "{\"inputs\": \"" + text.substring(0, 64_000) + "\"}").json(), cut.json());
    }

    @Test
    void tokenizeAnswersTheLongestTextWithCodePointSpans() {
        // Cutting each token's text from the start of the string again made this quadratic in the length.
        String text = "caf\u00e9 \uD83D\uDE00 ".repeat(9_000);
        Reply reply = server.post("/tokenize", "{\"inputs\": \"" + text + "\"}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode tokens = reply.json().get(0);
        JsonNode last = tokens.get(tokens.size() - 2);
        assertEquals(text.codePointCount(0, text.length()) - 2, last.get("start").asInt());
        assertEquals("\uD83D\uDE00", last.get("text").asText());
    }
}
