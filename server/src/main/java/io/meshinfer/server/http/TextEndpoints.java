package io.meshinfer.server.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshinfer.models.ModelDescription;
import io.meshinfer.models.ModelOutput;
import io.meshinfer.models.ModelTask;
import io.meshinfer.models.batch.Readout;
import io.meshinfer.models.heads.ClassificationHead;
import io.meshinfer.models.heads.LabelScore;
import io.meshinfer.models.heads.ScoreFunction;
import io.meshinfer.models.heads.TokenClassificationHead;
import io.meshinfer.models.heads.TokenClassificationHead.Aggregation;
import io.meshinfer.tokenizers.Encoding;
import io.meshinfer.tokenizers.IndexedText;
import io.meshinfer.tokenizers.TextTokenizer;
import io.meshinfer.tokenizers.TokenizerException;

/** {@code /predict}, {@code /rerank}, {@code /tokenize} and {@code /decode}. */
public final class TextEndpoints {
    private final int maxClientBatchSize;

    public TextEndpoints(int maxClientBatchSize) {
        this.maxClientBatchSize = maxClientBatchSize;
    }

    /**
     * TEI {@code /predict}: label scores for a text or a text pair, or for a batch of them. As in TEI, a two-string
     * array is one pair, and a batch is an array of arrays, each holding one text or a pair. Token classifiers
     * answer with entities. Beyond TEI, classifiers take the transformers pipeline's {@code function_to_apply}
     * and {@code top_k}, which Hugging Face's {@code InferenceClient.text_classification} sends.
     */
    public Object predict(Call call) {
        ModelDescription model = call.model().description();
        if (model.task() == ModelTask.EMBEDDING) {
            throw ApiException.wrongModelType("model " + model.name() + " is an embedding model; /predict needs a "
                                                  + "classifier");
        }
        JsonBody body = call.body();
        JsonNode inputs = body.required("inputs");
        boolean batch = inputs.isArray() && !inputs.isEmpty() && inputs.get(0).isArray();
        List<JsonNode> sequences = new ArrayList<>();
        if (batch) {
            for (JsonNode sequence : inputs) {
                if (!sequence.isArray()) {
                    // As TEI: a batch is lists only, [["a"], "b"] neither one input nor a batch.
                    throw shape();
                }
                sequences.add(sequence);
            }
        } else if (inputs.isTextual() || (inputs.isArray() && inputs.size() <= 2)) {
            sequences.add(inputs);
        } else {
            throw shape();
        }
        Inputs.checkBatchSize(sequences.size(), maxClientBatchSize, "inputs");
        List<String> firsts = new ArrayList<>();
        List<String> seconds = new ArrayList<>();
        for (JsonNode sequence : sequences) {
            if (sequence.isTextual()) {
                firsts.add(Inputs.nonEmpty(JsonBody.text(sequence, "inputs"), "inputs"));
                seconds.add(null);
            } else if (sequence.isArray() && sequence.size() == 1) {
                firsts.add(Inputs.nonEmpty(JsonBody.text(sequence.get(0), "inputs"), "inputs"));
                seconds.add(null);
            } else if (sequence.isArray() && sequence.size() == 2) {
                String first = JsonBody.text(sequence.get(0), "inputs");
                String second = JsonBody.text(sequence.get(1), "inputs");
                Inputs.requirePairNotEmpty(first, second, "inputs");
                firsts.add(first);
                seconds.add(second);
            } else if (sequence.isArray() && sequence.isEmpty()) {
                throw ApiException.empty("inputs", "`inputs` cannot be empty");
            } else {
                throw shape();
            }
        }
        if (model.task() == ModelTask.TOKEN_CLASSIFIER && seconds.stream().anyMatch(Objects::nonNull)) {
            throw ApiException.validation("inputs", "model " + model.name() + " is a token classifier: it tags the "
                    + "words of single texts, not text pairs");
        }
        ScoreFunction function = scoreFunction(body, model);
        Optional<Integer> topK = body.positiveInt("top_k");
        if (model.task() == ModelTask.TOKEN_CLASSIFIER && topK.isPresent()) {
            throw ApiException.validation("top_k", "model " + model.name() + " is a token classifier: `top_k` "
                    + "applies to sequence classifiers");
        }
        List<Encoding> encodings = call.inference().tokenizePairs(call.model(), firsts, seconds,
                                                                  call.inference().truncate(body.bool("truncate")),
                                                                  body.truncationDirection(), call.timings());
        List<ModelOutput> outputs = call.inference().run(call.model(), encodings, Readout.TASK, call.callerWait(),
                                                         call.timings());
        List<Object> answers = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            answers.add(switch (model.task()) {
                case CLASSIFIER, RERANKER -> {
                    List<LabelScore> scores = ClassificationHead.scores(outputs.get(i), model.labels(), function);
                    yield scores.subList(0, Math.min(scores.size(), topK.orElse(scores.size())));
                }
                case TOKEN_CLASSIFIER -> entities(call, outputs.get(i), encodings.get(i), firsts.get(i));
                case EMBEDDING -> throw new IllegalStateException("embedding models are refused before tokenizing");
            });
        }
        return batch ? answers : answers.getFirst();
    }

    /**
     * The function a classifier's logits go through: the model's own, the logits themselves with TEI's
     * {@code raw_scores}, or the pipeline's {@code function_to_apply}.
     */
    private static ScoreFunction scoreFunction(JsonBody body, ModelDescription model) {
        boolean raw = body.bool("raw_scores").orElse(false);
        Optional<String> named = body.string("function_to_apply");
        if (named.isEmpty()) {
            return raw ? ScoreFunction.NONE : ScoreFunction.of(model.multiLabel(), model.labels().size());
        }
        if (model.task() == ModelTask.TOKEN_CLASSIFIER) {
            throw ApiException.validation("function_to_apply", "model " + model.name() + " is a token classifier: "
                    + "`function_to_apply` applies to sequence classifiers");
        }
        ScoreFunction function = ScoreFunction.named(named.get()).orElseThrow(() -> ApiException.validation(
                "function_to_apply", "`function_to_apply` must be \"softmax\", \"sigmoid\" or \"none\""));
        if (raw && function != ScoreFunction.NONE) {
            throw ApiException.validation("raw_scores", "`raw_scores` asks for the logits and `function_to_apply` for "
                    + function.pipelineName() + ": give one of them");
        }
        return function;
    }

    /** TEI {@code /rerank}: scores of a query against each text, highest first. */
    public Object rerank(Call call) {
        JsonBody body = call.body();
        ModelDescription model = call.model().description();
        if (model.task() != ModelTask.RERANKER) {
            String article = model.task() == ModelTask.EMBEDDING ? " is an " : " is a ";
            throw ApiException.wrongModelType("model " + model.name() + article + model.task().label()
                                                  + " model; /rerank needs a reranker (a classifier with one label)");
        }
        String query = JsonBody.text(body.required("query"), "query");
        List<String> texts = JsonBody.texts(body.required("texts"), "texts");
        if (texts.isEmpty()) {
            throw ApiException.empty("texts", "`texts` cannot be empty");
        }
        Inputs.checkBatchSize(texts.size(), maxClientBatchSize, "texts");
        texts.forEach(t -> Inputs.requirePairNotEmpty(query, t, "texts"));
        boolean raw = body.bool("raw_scores").orElse(false);
        boolean returnText = body.bool("return_text").orElse(false);
        List<String> queries = texts.stream().map(t -> query).toList();
        List<Encoding> encodings = call.inference().tokenizePairs(call.model(), queries, texts,
                                                                  call.inference().truncate(body.bool("truncate")),
                                                                  body.truncationDirection(), call.timings());
        List<ModelOutput> outputs = call.inference().run(call.model(), encodings, Readout.TASK, call.callerWait(),
                                                         call.timings());
        List<Map<String, Object>> ranks = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Map<String, Object> rank = new LinkedHashMap<>();
            rank.put("index", i);
            if (returnText) {
                rank.put("text", texts.get(i));
            }
            rank.put("score", ClassificationHead.relevance(outputs.get(i), raw));
            ranks.add(rank);
        }
        ranks.sort(Comparator.comparingDouble((Map<String, Object> r) -> (Float) r.get("score")).reversed());
        return ranks;
    }

    /** TEI {@code /tokenize}: tokens with ids, text, special flag and code-point offsets. */
    public Object tokenize(Call call) {
        JsonBody body = call.body();
        JsonNode inputs = body.required("inputs");
        List<String> texts = inputs.isTextual() ? List.of(JsonBody.text(inputs, "inputs"))
                : JsonBody.texts(inputs, "inputs");
        if (texts.isEmpty()) {
            throw ApiException.empty("inputs", "`inputs` cannot be empty");
        }
        Inputs.checkBatchSize(texts.size(), maxClientBatchSize, "inputs");
        texts.forEach(t -> Inputs.nonEmpty(t, "inputs"));
        boolean addSpecial = body.bool("add_special_tokens").orElse(true);
        TextTokenizer tokenizer = call.model().tokenizer();
        String prefix = Inputs.promptPrefix(body, call.model().description());
        List<List<Map<String, Object>>> answer = new ArrayList<>();
        for (String input : texts) {
            String prompted = prefix + input;
            Encoding e;
            try {
                e = tokenizer.encodeRaw(prompted, addSpecial);
            } catch (TokenizerException refused) {
                throw ApiException.tokenizer(refused);
            }
            IndexedText text = IndexedText.of(prompted);
            List<Map<String, Object>> tokens = new ArrayList<>(e.length());
            for (int i = 0; i < e.length(); i++) {
                Map<String, Object> token = new LinkedHashMap<>();
                token.put("id", e.ids()[i]);
                token.put("text", e.special()[i] ? e.tokens()[i] : e.covered(text, i));
                token.put("special", e.special()[i]);
                token.put("start", e.special()[i] ? null : e.starts()[i]);
                token.put("stop", e.special()[i] ? null : e.ends()[i]);
                tokens.add(token);
            }
            answer.add(tokens);
        }
        return answer;
    }

    /** TEI {@code /decode}: token ids back to text. */
    public Object decode(Call call) {
        JsonBody body = call.body();
        JsonNode ids = body.required("ids");
        List<long[]> sequences = new ArrayList<>();
        if (ids.isArray() && !ids.isEmpty() && ids.get(0).isArray()) {
            for (JsonNode sequence : ids) {
                sequences.add(JsonBody.ids(sequence, "ids"));
            }
        } else {
            sequences.add(JsonBody.ids(ids, "ids"));
        }
        Inputs.checkBatchSize(sequences.size(), maxClientBatchSize, "ids");
        for (long[] sequence : sequences) {
            if (sequence.length == 0) {
                throw ApiException.empty("ids", "`ids` cannot contain an empty list");
            }
        }
        boolean skipSpecial = body.bool("skip_special_tokens").orElse(true);
        List<String> texts = new ArrayList<>();
        for (long[] sequence : sequences) {
            Inputs.requireInVocabulary(sequence, call.model().description(), "ids");
            texts.add(call.model().tokenizer().decode(sequence, skipSpecial));
        }
        return texts;
    }

    private Object entities(Call call, ModelOutput output, Encoding encoding, String text) {
        String strategy = call.body().string("aggregation_strategy").orElse("simple");
        Aggregation aggregation = switch (strategy) {
            case "simple" -> Aggregation.SIMPLE;
            case "none" -> Aggregation.NONE;
            default -> throw ApiException.validation("aggregation_strategy",
                                                     "`aggregation_strategy` must be \"simple\" or \"none\"");
        };
        var found = TokenClassificationHead.entities(output, encoding, call.model().description().labels(),
                                                     aggregation, call.model().tokenizer().tokenText(encoding, text));
        List<Map<String, Object>> answer = new ArrayList<>(found.size());
        for (var entity : found) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put(aggregation == Aggregation.SIMPLE ? "entity_group" : "entity", entity.entity());
            item.put("score", entity.score());
            if (aggregation == Aggregation.NONE) {
                item.put("index", entity.index());
            }
            item.put("word", entity.word());
            item.put("start", entity.start());
            item.put("end", entity.end());
            answer.add(item);
        }
        return answer;
    }

    private static ApiException shape() {
        return ApiException.validation("inputs", "`inputs` must be a string, a pair of strings [text, text], or a "
                + "batch of single texts and pairs [[text], [text, text], ...]");
    }
}
