package io.meshinfer.server.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.ModelTask;
import io.meshinfer.models.batch.Readout;
import io.meshinfer.models.heads.EmbeddingHead;
import io.meshinfer.tokenizers.Encoding;

/** {@code /embed}, {@code /embed_all}, {@code /similarity} and OpenAI's {@code /v1/embeddings}. */
public final class EmbeddingEndpoints {
    private final int maxClientBatchSize;

    public EmbeddingEndpoints(int maxClientBatchSize) {
        this.maxClientBatchSize = maxClientBatchSize;
    }

    /** TEI {@code /embed}: one pooled vector per input. */
    public Object embed(Call call) {
        JsonBody body = call.body();
        List<Inputs.Input> inputs = Inputs.parse(body.required("inputs"), "inputs", maxClientBatchSize,
                                                   call.model().description());
        return new Vectors(vectors(call, inputs, body.bool("normalize"), body.positiveInt("dimensions").orElse(0)));
    }

    /** TEI {@code /embed_all}: every token's vector, special tokens included. */
    public Object embedAll(Call call) {
        JsonBody body = call.body();
        ModelDescription model = requireEmbedding(call.model());
        if (model.tokenOutput().isEmpty()) {
            throw ApiException.wrongModelType("model " + model.name() + " only outputs pooled embeddings; "
                                                  + "/embed_all needs a per-token output");
        }
        List<Inputs.Input> inputs = Inputs.parse(body.required("inputs"), "inputs", maxClientBatchSize,
                                                   call.model().description());
        List<ModelOutput> outputs = run(call, inputs, Inputs.promptPrefix(body, model), Readout.TOKENS);
        List<float[][]> answer = new ArrayList<>(outputs.size());
        for (ModelOutput output : outputs) {
            float[][] tokens = new float[output.rows()][];
            for (int r = 0; r < output.rows(); r++) {
                tokens[r] = Arrays.copyOfRange(output.values(), r * output.width(),
                                                         (r + 1) * output.width());
            }
            answer.add(tokens);
        }
        return answer;
    }

    /**
     * TEI {@code /similarity}: cosine similarity of a source sentence to each of several sentences. TEI takes this
     * route's options inside a {@code parameters} object; at the top level they are accepted too.
     */
    public Object similarity(Call request) {
        Call call = request.withParametersLifted();
        JsonNode inputs = call.body().required("inputs");
        if (!inputs.isObject()) {
            throw ApiException.validation("inputs", "`inputs` must be an object with `source_sentence` and "
                    + "`sentences`");
        }
        JsonNode sourceNode = inputs.get("source_sentence");
        JsonNode sentencesNode = inputs.get("sentences");
        if (sourceNode == null || sentencesNode == null) {
            throw ApiException.validation("inputs", "`inputs` needs `source_sentence` and `sentences`");
        }
        String source = Inputs.nonEmpty(JsonBody.text(sourceNode, "inputs.source_sentence"),
                                        "inputs.source_sentence");
        List<String> sentences = JsonBody.texts(sentencesNode, "inputs.sentences");
        if (sentences.isEmpty()) {
            throw ApiException.empty("inputs.sentences", "`inputs.sentences` cannot be empty");
        }
        Inputs.checkBatchSize(sentences.size() + 1, maxClientBatchSize, "inputs.sentences");
        List<Inputs.Input> all = new ArrayList<>();
        all.add(new Inputs.Input(source, null));
        for (String s : sentences) {
            all.add(new Inputs.Input(Inputs.nonEmpty(s, "inputs.sentences"), null));
        }
        List<float[]> vectors = vectors(call, all, Optional.of(true), 0);
        float[] scores = new float[sentences.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = dot(vectors.getFirst(), vectors.get(i + 1));
        }
        return scores;
    }

    /** OpenAI {@code /v1/embeddings}. */
    public Object openAi(Call call) {
        JsonBody body = call.body();
        List<Inputs.Input> inputs = Inputs.parse(body.required("input"), "input", maxClientBatchSize,
                                                   call.model().description());
        String format = body.string("encoding_format").orElse("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.validation("encoding_format", "`encoding_format` must be \"float\" or \"base64\"");
        }
        List<float[]> vectors = vectors(call, inputs, Optional.of(true),
                                        body.positiveInt("dimensions").orElse(0));
        List<Map<String, Object>> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("object", "embedding");
            item.put("embedding", format.equals("base64") ? base64(vectors.get(i)) : vectors.get(i));
            item.put("index", i);
            data.add(item);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("object", "list");
        answer.put("data", data);
        answer.put("model", call.model().name());
        answer.put("usage", Map.of("prompt_tokens", call.timings().tokens(), "total_tokens", call.timings().tokens()));
        return answer;
    }

    private List<float[]> vectors(Call call, List<Inputs.Input> inputs, Optional<Boolean> normalizeField,
                                  int dimensions) {
        ModelDescription model = requireEmbedding(call.model());
        if (dimensions > model.width()) {
            throw ApiException.validation("dimensions", "`dimensions` must be at most " + model.width()
                    + " for model " + model.name());
        }
        boolean normalize = normalizeField.orElse(model.normalize());
        String prompt = Inputs.promptPrefix(call.body(), model);
        List<ModelOutput> outputs = run(call, inputs, prompt, Readout.TASK);
        int promptTokens = call.model().promptTokensOutOfPooling(prompt);
        List<float[]> vectors = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            int skipped = inputs.get(i).text() != null ? promptTokens : 0;
            vectors.add(model.tokenLevel()
                                ? EmbeddingHead.pool(outputs.get(i), model.pooling(), skipped, dimensions, normalize)
                                : EmbeddingHead.finish(outputs.get(i).values(), dimensions, normalize));
        }
        return vectors;
    }

    /** Puts {@code prompt} before the text inputs, tokenizes them and runs them for {@code readout}. */
    private static List<ModelOutput> run(Call call, List<Inputs.Input> inputs, String prompt, Readout readout) {
        JsonBody body = call.body();
        List<Encoding> encodings = call.inference().tokenize(call.model(), Inputs.prompted(inputs, prompt),
                                                             call.inference().truncate(body.bool("truncate")),
                                                             body.truncationDirection(), call.timings());
        return call.inference().run(call.model(), encodings, readout, call.callerWait(), call.timings());
    }

    static ModelDescription requireEmbedding(Model model) {
        ModelDescription d = model.description();
        if (d.task() != ModelTask.EMBEDDING) {
            throw ApiException.wrongModelType("model " + d.name() + " is a " + d.task().label()
                                                  + " model, not an embedding model");
        }
        return d;
    }

    private static float dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return (float) sum;
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
