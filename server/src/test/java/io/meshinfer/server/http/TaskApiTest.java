package io.meshinfer.server.http;

import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.meshinfer.server.TestServer;
import io.meshinfer.server.TestServer.Reply;

import static io.meshinfer.server.TestServer.delta;
import static io.meshinfer.server.http.ParityFixtures.parity;
import static io.meshinfer.server.http.ParityFixtures.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /predict, /rerank and the compat route on the tiny classifier, reranker and NER fixtures, over HTTP. */
class TaskApiTest {
    static final Path MODELS = Path.of(System.getProperty("meshinfer.testdata"), "models");

    @RegisterExtension
    static final TestServer server = TestServer.start("--model", "cls=" + MODELS.resolve("tiny-classifier"),
                                                      "--model", "ml=" + MODELS.resolve("tiny-multilabel"),
                                                      "--model", "rr=" + MODELS.resolve("tiny-reranker"),
                                                      "--model", "ner=" + MODELS.resolve("tiny-ner"),
                                                      "--model", "half=" + MODELS.resolve("tiny-classifier"),
                                                      "--onnx-variant", "half=model_fp16_output.onnx",
                                                      "--model", "dense=" + MODELS.resolve("tiny-dense"));

    @Test
    void predictGivesEveryLabelBestFirstAsThePipelineDoes() {
        JsonNode expected = parity("tiny-classifier").get("cases").get(0);
        Reply reply = server.post("/models/cls/predict", "{\"inputs\": " + quote(expected.get("text").asText()) + "}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(3, reply.json().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(expected.at("/pipeline/" + i + "/label").asText(), reply.json().get(i).get("label").asText());
            assertEquals(expected.at("/pipeline/" + i + "/score").asDouble(),
                         reply.json().get(i).get("score").asDouble(), 1e-4);
        }
    }

    @Test
    void aTwoStringArrayIsOnePairAndAnArrayOfArraysIsABatch() {
        Reply pair = server.post("/models/cls/predict", "{\"inputs\": [\"The food was great.\", \"I liked it.\"]}");
        assertEquals(3, pair.json().size());
        assertTrue(pair.json().get(0).has("label"));
        Reply batch = server.post("/models/cls/predict", "{\"inputs\": [[\"a\", \"b\"], [\"c\"]]}");
        assertEquals(2, batch.json().size());
        assertEquals(3, batch.json().get(1).size());
        Reply pairAlone = server.post("/models/cls/predict", "{\"inputs\": [[\"a\", \"b\"]]}");
        assertEquals(pair.json().size(), pairAlone.json().get(0).size());
        // TEI refuses three bare strings: a batch must be an array of arrays.
        assertEquals(422, server.post("/models/cls/predict", "{\"inputs\": [\"a\", \"b\", \"c\"]}").status());
        assertEquals(422, server.post("/models/cls/predict", "{\"inputs\": [[\"a\", \"b\", \"c\"]]}").status());
        assertEquals(422, server.post("/models/cls/predict", "{\"inputs\": [[\"a\"], \"b\"]}").status());
    }

    @Test
    void teisPredictSeriesCountTheInputsOfClassifiersAndRerankers() {
        Map<String, Double> before = server.metricSamples();
        server.post("/models/cls/predict", "{\"inputs\": [[\"a\", \"b\"], [\"c\"]]}");
        server.post("/models/rr/rerank", "{\"query\": \"q\", \"texts\": [\"a\", \"b\", \"c\"]}");
        Map<String, Double> after = server.metricSamples();
        assertEquals(5, delta(before, after, "te_predict_count"));
        assertEquals(5, delta(before, after, "te_predict_success"));
        assertEquals(5, delta(before, after, "te_predict_inference_duration_count"));
        assertEquals(0, delta(before, after, "te_embed_count"));
    }

    @Test
    void anInputIsEmptyOnlyWhenEverySideOfItIsAsInTei() {
        assertEquals(400, server.post("/models/cls/predict", "{\"inputs\": \"\"}").status());
        assertEquals(400, server.post("/models/cls/predict", "{\"inputs\": [[\"a\"], [\"\"]]}").status());
        assertEquals(400, server.post("/models/cls/predict", "{\"inputs\": [\"\", \"\"]}").status());
        assertEquals(200, server.post("/models/cls/predict", "{\"inputs\": [\"The food was great.\", \"\"]}").status());
        assertEquals(200, server.post("/models/cls/predict", "{\"inputs\": [\"\", \"I liked it.\"]}").status());
        Reply oneEmptyText = server.post("/models/rr/rerank", "{\"query\": \"q\", \"texts\": [\"a\", \"\"]}");
        assertEquals(200, oneEmptyText.status(), oneEmptyText.body());
        assertEquals(2, oneEmptyText.json().size());
        assertEquals(200, server.post("/models/rr/rerank", "{\"query\": \"\", \"texts\": [\"a\"]}").status());
        Reply bothEmpty = server.post("/models/rr/rerank", "{\"query\": \"\", \"texts\": [\"a\", \"\"]}");
        assertEquals(400, bothEmpty.status());
        assertEquals("Empty", bothEmpty.json().get("error_type").asText());
    }

    @Test
    void rawScoresAreTheLogits() {
        JsonNode expected = parity("tiny-classifier").get("cases").get(0);
        Reply reply = server.post("/models/cls/predict", "{\"inputs\": " + quote(expected.get("text").asText())
                + ", \"raw_scores\": true}");
        assertEquals(expected.at("/logits/0").asDouble(), score(reply.json(), "negative"), 1e-4);
    }

    @Test
    void multiLabelScoresAreIndependentSigmoids() {
        JsonNode expected = parity("tiny-multilabel").get("cases").get(0);
        Reply reply = server.post("/models/ml/predict", "{\"inputs\": " + quote(expected.get("text").asText()) + "}");
        assertEquals(expected.at("/scores/tech").asDouble(), score(reply.json(), "tech"), 1e-4);
        assertEquals(expected.at("/scores/sports").asDouble(), score(reply.json(), "sports"), 1e-4);
    }

    @Test
    void predictOnARerankerScoresItsOneLabelAsThePipelineDoes() {
        JsonNode c = parity("tiny-reranker").get("cases").get(0);
        Reply reply = server.post("/models/rr/predict", "{\"inputs\": [" + quote(c.get("query").asText()) + ", "
                + quote(c.get("text").asText()) + "]}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(c.at("/pipeline/0/score").asDouble(), reply.json().get(0).get("score").asDouble(), 1e-4);
    }

    @Test
    void rerankSortsByScoreAndCanReturnText() {
        JsonNode fixture = parity("tiny-reranker");
        StringBuilder texts = new StringBuilder();
        for (JsonNode c : fixture.get("cases")) {
            texts.append(texts.isEmpty() ? "" : ",").append(quote(c.get("text").asText()));
        }
        Reply reply = server.post("/models/rr/rerank", "{\"query\": " + quote(fixture.get("query").asText())
                + ", \"texts\": [" + texts + "], \"return_text\": true}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(fixture.get("cases").size(), reply.json().size());
        double previous = Double.MAX_VALUE;
        for (JsonNode rank : reply.json()) {
            double score = rank.get("score").asDouble();
            assertTrue(score <= previous, reply.body());
            previous = score;
            JsonNode c = fixture.get("cases").get(rank.get("index").asInt());
            assertEquals(c.get("score").asDouble(), score, 1e-4);
            assertEquals(c.get("text").asText(), rank.get("text").asText());
        }
        JsonNode c = fixture.get("cases").get(0);
        Reply raw = server.post("/models/rr/rerank", "{\"query\": " + quote(fixture.get("query").asText())
                + ", \"texts\": [" + quote(c.get("text").asText()) + "], \"raw_scores\": true}");
        assertEquals(c.get("logit").asDouble(), raw.json().get(0).get("score").asDouble(), 1e-4);
        assertTrue(!raw.json().get(0).has("text"), raw.body());
    }

    @Test
    void tokenClassifiersAnswerWithAggregatedEntities() {
        JsonNode c = parity("tiny-ner").get("cases").get(0);
        Reply reply = server.post("/models/ner/predict", "{\"inputs\": " + quote(c.get("text").asText()) + "}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(c.get("simple").size(), reply.json().size());
        JsonNode first = reply.json().get(0);
        assertEquals(c.at("/simple/0/entity_group").asText(), first.get("entity_group").asText());
        assertEquals(c.at("/simple/0/start").asInt(), first.get("start").asInt());
        assertEquals(c.at("/simple/0/word").asText(), first.get("word").asText());
        Reply none = server.post("/models/ner/predict", "{\"inputs\": " + quote(c.get("text").asText())
                + ", \"aggregation_strategy\": \"none\"}");
        assertEquals(c.get("none").size(), none.json().size());
        assertEquals(c.at("/none/0/index").asInt(), none.json().get(0).get("index").asInt());
        Reply pair = server.post("/models/ner/predict", "{\"inputs\": [\"John\", \"Paris\"]}");
        assertEquals(422, pair.status(), "a token classifier tags single texts: " + pair.body());
    }

    @Test
    void infoDescribesClassifierLabels() {
        JsonNode info = server.get("/models/cls/info").json();
        assertEquals("positive", info.at("/model_type/classifier/id2label/2").asText());
        assertEquals(0, info.at("/model_type/classifier/label2id/negative").asInt());
        assertTrue(server.get("/models/rr/info").json().at("/model_type").has("reranker"));
        assertTrue(server.get("/models/ner/info").json().at("/model_type").has("token_classifier"));
    }

    @Test
    void aGraphWithFloat16OutputsSaysSoAndScoresAsItsFloat32Twin() {
        assertEquals("float32", server.get("/models/cls/info").json().get("model_dtype").asText());
        assertEquals("float16", server.get("/models/half/info").json().get("model_dtype").asText());
        String request = "{\"inputs\": \"The new phone has a great camera\"}";
        JsonNode full = server.post("/models/cls/predict", request).json();
        Reply half = server.post("/models/half/predict", request);
        assertEquals(200, half.status(), half.body());
        for (int i = 0; i < full.size(); i++) {
            assertEquals(full.get(i).get("label").asText(), half.json().get(i).get("label").asText());
            assertEquals(full.get(i).get("score").asDouble(), half.json().get(i).get("score").asDouble(), 2e-3);
        }
    }

    @Test
    void aSentenceTransformersDenseModuleShapesTheVectorsAsSentenceTransformersDoes() {
        for (JsonNode c : parity("tiny-dense").get("cases")) {
            Reply reply = server.post("/models/dense/embed", "{\"inputs\": " + quote(c.get("text").asText()) + "}");
            assertEquals(200, reply.status(), reply.body());
            JsonNode vector = reply.json().get(0);
            assertEquals(c.get("vector").size(), vector.size());
            for (int i = 0; i < vector.size(); i++) {
                assertEquals(c.get("vector").get(i).asDouble(), vector.get(i).asDouble(), 1e-5);
            }
        }
    }

    @Test
    void embedAllOnADenseModelAnswersTheTransformersTokenVectorsAsSentenceTransformersGivesThem() {
        JsonNode c = parity("tiny-dense").get("cases").get(1);
        Reply reply = server.post("/models/dense/embed_all", "{\"inputs\": [" + quote(c.get("text").asText()) + "]}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode tokens = reply.json().get(0);
        assertEquals(c.get("token_vectors").size(), tokens.size());
        for (int row = 0; row < tokens.size(); row++) {
            assertEquals(c.get("token_vectors").get(row).size(), tokens.get(row).size());
            for (int column = 0; column < tokens.get(row).size(); column++) {
                assertEquals(c.get("token_vectors").get(row).get(column).asDouble(),
                             tokens.get(row).get(column).asDouble(), 1e-5);
            }
        }
    }

    @Test
    void theMethodLabelOfPredictAndTheRootRouteFollowsTheFormOfTheInputs() {
        Map<String, Double> before = server.metricSamples();
        for (String[] call : new String[][] {{"/models/cls/predict", "{\"inputs\": [\"a\", \"b\"]}"},
                {"/models/cls/predict", "{\"inputs\": [[\"a\"]]}"},
                {"/models/cls/", "{\"inputs\": \"great\", \"parameters\": {\"raw_scores\": true}}"},
                {"/models/rr/", "{\"query\": \"q\", \"texts\": [\"a\"]}"},
                {"/models/rr/", "{\"inputs\": [[\"q\", \"a\"], [\"q\", \"b\"]]}"}}) {
            Reply reply = server.post(call[0], call[1]);
            assertEquals(200, reply.status(), call[1] + ": " + reply.body());
        }
        Map<String, Double> after = server.metricSamples();
        assertEquals(2, delta(before, after, "te_request_success{method=\"single\"}"), "a pair; a text");
        assertEquals(3, delta(before, after, "te_request_success{method=\"batch\"}"), "lists; a rerank");
    }

    @Test
    void theRootRouteDispatchesByTask() {
        Reply classify = server.post("/models/cls/", "{\"inputs\": \"great\", \"parameters\": {\"top_k\": 3}}");
        assertEquals(200, classify.status(), classify.body());
        assertEquals(3, classify.json().size());
        Reply rerank = server.post("/models/rr/", "{\"query\": \"q\", \"texts\": [\"a\", \"b\"]}");
        assertEquals(2, rerank.json().size());
        // huggingface_hub's InferenceClient posts to its base URL without a trailing slash.
        assertEquals(classify.json(), server.post("/models/cls", "{\"inputs\": \"great\"}").json());
        String text = "{\"inputs\": \"John lives in Paris\"}";
        assertEquals(server.post("/models/ner/predict", text).json(), server.post("/models/ner/", text).json());
    }

    @Test
    void theRootRouteTakesThePipelineParametersInferenceClientSends() {
        JsonNode c = parity("tiny-classifier").get("cases").get(0);
        String text = quote(c.get("text").asText());
        Reply best = server.post("/models/cls/", "{\"inputs\": " + text + ", \"parameters\": {\"top_k\": 1}}");
        assertEquals(1, best.json().size(), best.body());
        assertEquals(c.at("/pipeline/0/label").asText(), best.json().get(0).get("label").asText());
        Reply none = server.post("/models/cls/", "{\"inputs\": " + text
                + ", \"parameters\": {\"function_to_apply\": \"none\"}}");
        assertEquals(c.at("/logits/0").asDouble(), score(none.json(), "negative"), 1e-4);
        Reply sigmoid = server.post("/models/cls/", "{\"inputs\": " + text
                + ", \"parameters\": {\"function_to_apply\": \"sigmoid\"}}");
        assertEquals(1 / (1 + Math.exp(-c.at("/logits/0").asDouble())), score(sigmoid.json(), "negative"), 1e-4);
        // /predict takes them too, at the top level.
        Reply predict = server.post("/models/cls/predict", "{\"inputs\": " + text + ", \"top_k\": 1}");
        assertEquals(best.json(), predict.json());
    }

    @Test
    void pipelineParametersOutOfTheirDomainAre422() {
        for (String[] call : new String[][] {
                {"/models/cls/", "{\"inputs\": \"a\", \"parameters\": {\"function_to_apply\": \"relu\"}}",
                 "function_to_apply"},
                {"/models/cls/predict", "{\"inputs\": \"a\", \"raw_scores\": true, \"function_to_apply\": \"softmax\"}",
                 "raw_scores"},
                {"/models/cls/", "{\"inputs\": \"a\", \"parameters\": {\"top_k\": 0}}", "top_k"},
                {"/models/ner/", "{\"inputs\": \"a\", \"parameters\": {\"top_k\": 2}}", "top_k"},
                {"/models/ner/predict", "{\"inputs\": \"a\", \"function_to_apply\": \"none\"}", "function_to_apply"}}) {
            Reply reply = server.post(call[0], call[1]);
            assertEquals(422, reply.status(), call[1]);
            assertEquals("Validation", reply.json().get("error_type").asText());
            assertTrue(reply.json().get("error").asText().contains(call[2]), reply.body());
        }
    }

    @Test
    void routesForAnotherKindOfModelAnswer424AsTeiDoes() {
        Reply reply = server.post("/models/cls/embed", "{\"inputs\": \"a\"}");
        assertEquals(424, reply.status());
        assertEquals("Backend", reply.json().get("error_type").asText());
        assertTrue(reply.json().get("error").asText().contains("not an embedding model"), reply.body());
        assertEquals(424, server.post("/models/cls/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}").status());
        assertEquals(424, server.post("/models/cls/embed_all", "{\"inputs\": \"a\"}").status());
    }

    private static double score(JsonNode labels, String label) {
        for (JsonNode l : labels) {
            if (l.get("label").asText().equals(label)) {
                return l.get("score").asDouble();
            }
        }
        throw new AssertionError("no label " + label + " in " + labels);
    }
}
