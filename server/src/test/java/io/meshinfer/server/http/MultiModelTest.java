package io.meshinfer.server.http;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static io.meshinfer.server.http.JsonVectors.cosine;
import static io.meshinfer.server.http.ParityFixtures.parity;
import static io.meshinfer.server.http.ParityFixtures.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two models in one process: each by name, one as the default, OpenAI's model field selecting. */
class MultiModelTest {
    @RegisterExtension
    static final TestServer server = TestServer.start("--model", "minilm=builtin:all-MiniLM-L6-v2",
                                                      "--model", "bge=builtin:bge-small-en-v1.5",
                                                      "--default-model", "bge");

    @Test
    void eachModelAnswersUnderItsName() {
        assertEquals("cls", server.get("/models/bge/info").json().at("/model_type/embedding/pooling").asText());
        assertEquals("mean", server.get("/models/minilm/info").json().at("/model_type/embedding/pooling").asText());
        Reply bge = server.post("/models/bge/embed", "{\"inputs\": \"hello\"}");
        Reply minilm = server.post("/models/minilm/embed", "{\"inputs\": \"hello\"}");
        assertEquals(200, bge.status());
        assertEquals(200, minilm.status());
        assertNotEquals(bge.json().get(0).get(0).asDouble(), minilm.json().get(0).get(0).asDouble());
    }

    @Test
    void thePlainRoutesServeTheDefaultModel() {
        assertEquals("bge", server.get("/info").json().get("model_id").asText());
        assertEquals(512, server.get("/info").json().get("max_input_length").asInt());
        Reply plain = server.post("/embed", "{\"inputs\": \"hello\"}");
        Reply named = server.post("/models/bge/embed", "{\"inputs\": \"hello\"}");
        assertEquals(plain.json(), named.json());
    }

    @Test
    void theOpenAiModelFieldSelectsTheModel() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": [\"hello\", \"world\"], \"model\": \"minilm\"}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("minilm", reply.json().get("model").asText());
        assertEquals(2, reply.json().get("data").size());
        assertEquals(1, reply.json().at("/data/1/index").asInt());
        assertEquals(6, reply.json().at("/usage/prompt_tokens").asInt());
        Reply tei = server.post("/models/minilm/embed", "{\"inputs\": \"hello\"}");
        assertEquals(tei.json().get(0), reply.json().at("/data/0/embedding"));
    }

    @Test
    void base64EncodingIsLittleEndianFloat32() {
        Reply reply = server.post("/v1/embeddings", "{\"input\": \"hello\", \"model\": \"minilm\", "
                + "\"encoding_format\": \"base64\"}");
        byte[] bytes = Base64.getDecoder().decode(reply.json().at("/data/0/embedding").asText());
        assertEquals(384 * 4, bytes.length);
        float first = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0);
        Reply floats = server.post("/models/minilm/embed", "{\"inputs\": \"hello\"}");
        assertEquals(floats.json().get(0).get(0).floatValue(), first);
    }

    /**
     * Both built-in models answer over HTTP as sentence-transformers encodes the fixture texts, in batches that mix
     * short and truncated texts (so padding is exercised). The fixture's empty text is left out: TEI refuses it.
     */
    @ParameterizedTest
    @CsvSource({"minilm, all-minilm-l6-v2", "bge, bge-small-en-v1.5"})
    void servedVectorsMatchSentenceTransformers(String model, String fixture) {
        List<JsonNode> cases = new ArrayList<>();
        parity(fixture).get("cases").forEach(c -> {
            if (!c.get("text").asText().isEmpty()) {
                cases.add(c);
            }
        });
        int batch = 16;
        for (int from = 0; from < cases.size(); from += batch) {
            List<JsonNode> part = cases.subList(from, Math.min(cases.size(), from + batch));
            String inputs = part.stream().map(c -> quote(c.get("text").asText())).collect(Collectors.joining(", "));
            Reply reply = server.post("/models/" + model + "/embed",
                                      "{\"inputs\": [" + inputs + "], \"truncate\": true}");
            assertEquals(200, reply.status(), reply.body());
            for (int i = 0; i < part.size(); i++) {
                double cosine = cosine(part.get(i).get("embedding"), reply.json().get(i));
                assertTrue(cosine >= 0.9999, "cosine " + cosine + " for " + part.get(i).get("text"));
            }
        }
    }

    @Test
    void anUnknownModelNameIsAJson404OnEveryRoute() {
        for (Reply reply : new Reply[] {server.post("/models/nope/embed", "{\"inputs\": \"hello\"}"),
                server.get("/models/nope/info"), server.get("/models/nope/health"), server.get("/models/nope/ping")}) {
            assertEquals(404, reply.status(), reply.body());
            assertEquals("NotFound", reply.json().get("error_type").asText(), reply.body());
        }
        assertEquals(200, server.get("/models/minilm/health").status());
    }

    @Test
    void openAiModelsListsEveryModel() {
        Reply reply = server.get("/v1/models");
        assertEquals(2, reply.json().get("data").size());
    }
}
