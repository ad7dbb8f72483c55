package io.meshinfer.server.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static io.meshinfer.server.http.JsonVectors.cosine;
import static io.meshinfer.server.http.JsonVectors.floats;
import static io.meshinfer.server.http.JsonVectors.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI's {@code /v1/embeddings} on the built-in default model: its input forms, options, usage and errors. */
class OpenAiEmbeddingsTest {
    private static final String SHORT = "hello world";
    private static final String LONGER = "What is Deep Learning?";

    @RegisterExtension
    static final TestServer server = TestServer.start();

    @Test
    void tokenIdsEmbedLikeTheTextTheyEncode() {
        assertEquals("[101, 7592, 2088, 102]", ids(SHORT));
        Reply byIds = server.post("/v1/embeddings", "{\"input\": [101, 7592, 2088, 102]}");
        assertEquals(200, byIds.status(), byIds.body());
        assertEquals(1, byIds.json().get("data").size());
        JsonNode vector = byIds.json().at("/data/0/embedding");
        assertEquals(384, vector.size());
        assertTrue(cosine(embedding(SHORT), vector) >= 0.9999, "ids of \"" + SHORT + "\" embed like the text");
    }

    @Test
    void teisRouteWithoutV1IsTheSameRouteInTheSameShape() {
        String request = "{\"input\": \"" + SHORT + "\", \"encoding_format\": \"float\"}";
        Reply v1 = server.post("/v1/embeddings", request);
        Reply bare = server.post("/embeddings", request);
        assertEquals(200, bare.status(), bare.body());
        assertEquals(v1.json().at("/data/0/embedding"), bare.json().at("/data/0/embedding"));
        Reply error = server.post("/embeddings", "{\"input\": []}");
        assertEquals("input", error.json().at("/error/param").asText(), "OpenAI's error shape: " + error.body());
    }

    @Test
    void anArrayOfTokenIdArraysGivesOneEmbeddingPerArrayInOrder() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": [" + ids(SHORT) + ", " + ids(LONGER) + "]}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode data = reply.json().get("data");
        assertEquals(2, data.size());
        String[] texts = {SHORT, LONGER};
        for (int i = 0; i < texts.length; i++) {
            assertEquals(i, data.get(i).get("index").asInt());
            assertEquals("embedding", data.get(i).get("object").asText());
            assertEquals(384, data.get(i).get("embedding").size());
            double cosine = cosine(embedding(texts[i]), data.get(i).get("embedding"));
            assertTrue(cosine >= 0.9999, "cosine " + cosine + " for the ids of \"" + texts[i] + "\"");
        }
    }

    @Test
    void dimensionsKeepsTheLeadingValuesRenormalisedToUnitLength() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": [\"" + SHORT + "\", \"" + LONGER + "\"], "
                + "\"dimensions\": 64}");
        assertEquals(200, reply.status(), reply.body());
        String[] texts = {SHORT, LONGER};
        for (int i = 0; i < texts.length; i++) {
            JsonNode small = reply.json().at("/data/" + i + "/embedding");
            assertEquals(64, small.size());
            assertEquals(1.0, norm(small), 1e-5);
            float[] leading = Arrays.copyOf(floats(embedding(texts[i])), 64);
            assertTrue(cosine(leading, floats(small)) >= 0.9999, "the first 64 values of the full vector");
        }
    }

    @Test
    void dimensionsBeyondTheModelsWidthIsRejectedInOpenAisErrorShape() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": \"" + SHORT + "\", \"dimensions\": 385}");
        assertTrue(validationError(reply, "dimensions").contains("384"), reply.body());
    }

    @Test
    void anUnknownEncodingFormatIsRejectedInOpenAisErrorShape() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": \"" + SHORT + "\", \"encoding_format\": \"hex\"}");
        assertFalse(validationError(reply, "encoding_format").isBlank(), reply.body());
    }

    @Test
    void aTokenIdOutsideTheVocabularyIsRejectedNamingTheInputField() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": [101, 30522, 102]}");
        assertTrue(validationError(reply, "input").contains("30522"), reply.body());
    }

    @Test
    void base64DecodesAsLittleEndianFloat32ToTheFloatFormatsNumbers() {
        String input = "\"input\": [\"" + SHORT + "\", \"" + LONGER + "\"]";
        Reply plain = server.post("/v1/embeddings", "{" + input + ", \"encoding_format\": \"float\"}");
        Reply encoded = server.post("/v1/embeddings", "{" + input + ", \"encoding_format\": \"base64\"}");
        assertEquals(200, encoded.status(), encoded.body());
        for (int i = 0; i < 2; i++) {
            JsonNode text = encoded.json().at("/data/" + i + "/embedding");
            assertTrue(text.isTextual(), "a base64 embedding is a string");
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text.asText()))
                                         .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(384 * Float.BYTES, bytes.remaining());
            float[] decoded = new float[384];
            bytes.asFloatBuffer().get(decoded);
            assertArrayEquals(floats(plain.json().at("/data/" + i + "/embedding")), decoded);
        }
    }

    @Test
    void usageCountsEveryInputsTokensAsTokenizeDoes() {
        Reply tokenized = server.post("/tokenize", "{\"inputs\": [\"" + SHORT + "\", \"" + LONGER + "\"]}");
        assertEquals(200, tokenized.status(), tokenized.body());
        int tokens = tokenized.json().get(0).size() + tokenized.json().get(1).size();
        Reply reply = server.post("/v1/embeddings", "{\"input\": [\"" + SHORT + "\", \"" + LONGER + "\"]}");
        assertEquals(tokens, reply.json().at("/usage/prompt_tokens").asInt());
        assertEquals(tokens, reply.json().at("/usage/total_tokens").asInt());
        Reply byIds = server.post("/v1/embeddings", "{\"input\": [101, 7592, 2088, 102]}");
        assertEquals(4, byIds.json().at("/usage/prompt_tokens").asInt());
    }

    /** Asserts a 422 in OpenAI's error shape naming {@code param}; returns its message. */
    private static String validationError(Reply reply, String param) {
        assertEquals(422, reply.status(), reply.body());
        JsonNode error = reply.json().get("error");
        assertEquals(param, error.get("param").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("validation", error.get("code").asText());
        return error.get("message").asText();
    }

    /** The token ids {@code /tokenize} gives for a text, as a JSON array. */
    private static String ids(String text) {
        Reply reply = server.post("/tokenize", "{\"inputs\": \"" + text + "\"}");
        assertEquals(200, reply.status(), reply.body());
        StringBuilder ids = new StringBuilder("[");
        for (JsonNode token : reply.json().get(0)) {
            ids.append(ids.length() > 1 ? ", " : "").append(token.get("id").asLong());
        }
        return ids.append(']').toString();
    }

    private static JsonNode embedding(String text) {
        Reply reply = server.post("/v1/embeddings", "{\"input\": \"" + text + "\"}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().at("/data/0/embedding");
    }
}
