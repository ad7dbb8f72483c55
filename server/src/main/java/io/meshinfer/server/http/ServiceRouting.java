package io.meshinfer.server.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.meshinfer.models.Model;
import io.meshinfer.models.ModelDescription;
import io.meshinfer.server.Version;
import io.meshinfer.server.config.ServerConfig;
import io.meshinfer.server.http.Exchange.Style;
import io.meshinfer.server.inference.Inference;
import io.meshinfer.server.inference.InputShape;

/**
 * The service listener's routes: TEI's API on the default model, the same under {@code /models/{name}} for every
 * model, and OpenAI's {@code /v1/embeddings}. Anything else is a JSON 404 or 405.
 */
public final class ServiceRouting {
    private final Exchange exchange;
    private final Inference inference;
    private final ServerConfig config;
    private final EmbeddingEndpoints embeddings;
    private final TextEndpoints text;
    private final BooleanSupplier ready;

    /** @param ready whether the server takes traffic: {@code /health} answers 503 while it does not (draining) */
    public ServiceRouting(Exchange exchange, Inference inference, ServerConfig config, BooleanSupplier ready) {
        this.exchange = exchange;
        this.ready = ready;
        this.inference = inference;
        this.config = config;
        this.embeddings = new EmbeddingEndpoints(config.maxClientBatchSize());
        this.text = new TextEndpoints(config.maxClientBatchSize());
    }

    /** Adds every route to {@code routing}. */
    public void register(HttpRouting.Builder routing) {
        Map<String, Operation> tei = new LinkedHashMap<>();
        tei.put("embed", new Operation(ShapeRule.inputs("inputs"), embeddings::embed));
        tei.put("embed_all", new Operation(ShapeRule.inputs("inputs"), embeddings::embedAll));
        tei.put("similarity", new Operation(ShapeRule.similarity(), embeddings::similarity));
        tei.put("predict", new Operation(ShapeRule.sequences(), text::predict));
        tei.put("rerank", new Operation(ShapeRule.rerank(), text::rerank));
        tei.put("tokenize", new Operation(ShapeRule.texts(), text::tokenize));
        tei.put("decode", new Operation(ShapeRule.ids(), text::decode));
        for (String prefix : List.of("", "/models/{name}")) {
            tei.forEach((route, operation) -> {
                routing.post(prefix + "/" + route,
                             exchange.post(route, Style.TEI, null, operation.shape(), operation.endpoint()));
                routing.any(prefix + "/" + route, methodNotAllowed(route, Style.TEI, "POST"));
            });
            // POST / is the model's own task, as in TEI; /invocations is the same for SageMaker's contract.
            var compat = exchange.post("compat", Style.TEI, null, ServiceRouting::compatShape, this::compat);
            routing.post(prefix + "/", compat);
            routing.post(prefix + "/invocations", compat);
            routing.any(prefix + "/invocations", methodNotAllowed("compat", Style.TEI, "POST"));
            if (!prefix.isEmpty()) {
                // InferenceClient(base_url=".../models/NAME") posts to the base URL itself, without a slash.
                routing.post(prefix, compat);
                routing.any(prefix, methodNotAllowed("compat", Style.TEI, "POST"));
            }
            routing.get(prefix + "/info", this::info);
            routing.any(prefix + "/info", methodNotAllowed("info", Style.TEI, "GET"));
            for (String health : List.of("/health", "/ping", "/")) {
                routing.get(prefix + health, this::health);
            }
            routing.any(prefix + "/health", methodNotAllowed("health", Style.TEI, "GET"));
            routing.any(prefix + "/ping", methodNotAllowed("health", Style.TEI, "GET"));
            routing.any(prefix + "/", methodNotAllowed("compat", Style.TEI, "GET", "POST"));
        }
        // TEI serves OpenAI's route with and without /v1, for clients whose base URL lacks it.
        for (String path : List.of("/v1/embeddings", "/embeddings")) {
            // Style.of knows both paths, so errors before routing answer in the same shape as the route.
            routing.post(path, exchange.post("openai_embeddings", Style.of(path), "model", ShapeRule.inputs("input"),
                                             embeddings::openAi));
            routing.any(path, methodNotAllowed("openai_embeddings", Style.of(path), "POST"));
        }
        routing.get("/v1/models", this::openAiModels);
        routing.any("/v1/models", methodNotAllowed("openai_models", Style.OPENAI, "GET"));
        routing.any("/v1/*", exchange.always("unknown", Style.OPENAI, notFound()));
        routing.any("/*", exchange.always("unknown", Style.TEI, notFound()));
    }

    /**
     * {@code POST /}: answers with the model's own task, as TEI does, accepting Hugging Face
     * {@code InferenceClient}'s {@code inputs} + {@code parameters} shape.
     */
    private Object compat(Call call) {
        Call lifted = call.withParametersLifted();
        return switch (call.model().description().task()) {
            case EMBEDDING -> lifted.body().required("inputs").isObject()
                    ? embeddings.similarity(call) : embeddings.embed(lifted);
            case RERANKER -> lifted.body().field("query").isPresent() ? text.rerank(lifted) : text.predict(lifted);
            case CLASSIFIER, TOKEN_CLASSIFIER -> text.predict(lifted);
        };
    }

    /** The shape of a {@code POST /} body, read as the route {@link #compat} passes it to. */
    private static Optional<InputShape> compatShape(JsonBody body, ModelDescription model) {
        JsonBody lifted = body.withParametersLifted();
        ShapeRule rule = switch (model.task()) {
            case EMBEDDING -> lifted.field("inputs").filter(JsonNode::isObject).isPresent()
                    ? ShapeRule.similarity() : ShapeRule.inputs("inputs");
            case RERANKER -> lifted.field("query").isPresent() ? ShapeRule.rerank() : ShapeRule.sequences();
            case CLASSIFIER, TOKEN_CLASSIFIER -> ShapeRule.sequences();
        };
        return rule.of(lifted, model);
    }

    private void info(ServerRequest req, ServerResponse res) {
        named(req, res, "info").ifPresent(model -> exchange.answer(res, "info", () -> info(model)));
    }

    /** The model the path names, or the default one; empty once a JSON 404 has answered an unknown name. */
    private Optional<Model> named(ServerRequest req, ServerResponse res, String route) {
        try {
            return Optional.of(inference.model(req.path().pathParameters().first("name").asOptional()));
        } catch (ApiException e) {
            exchange.fail(res, route, Style.TEI, e);
            return Optional.empty();
        }
    }

    private Map<String, Object> info(Model model) {
        ModelDescription d = model.description();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model_id", d.name());
        info.put("model_sha", null);
        info.put("model_dtype", d.dtype());
        info.put("served_model_name", d.name());
        Map<String, Object> type = new LinkedHashMap<>();
        switch (d.task()) {
            case EMBEDDING -> type.put("embedding", Map.of("pooling", d.pooling().label()));
            case CLASSIFIER, RERANKER, TOKEN_CLASSIFIER -> {
                Map<String, String> id2label = new LinkedHashMap<>();
                Map<String, Integer> label2id = new LinkedHashMap<>();
                for (int i = 0; i < d.labels().size(); i++) {
                    id2label.put(Integer.toString(i), d.labels().get(i));
                    label2id.put(d.labels().get(i), i);
                }
                String key = switch (d.task()) {
                    case RERANKER -> "reranker";
                    case TOKEN_CLASSIFIER -> "token_classifier";
                    default -> "classifier";
                };
                type.put(key, Map.of("id2label", id2label, "label2id", label2id));
            }
        }
        info.put("model_type", type);
        info.put("max_concurrent_requests", config.batch().maxConcurrentRequests());
        info.put("max_input_length", d.maxLength());
        info.put("max_batch_tokens", config.batch().maxBatchTokens());
        info.put("max_batch_requests", config.batch().maxBatchRequests());
        info.put("max_client_batch_size", config.maxClientBatchSize());
        info.put("auto_truncate", config.autoTruncate());
        // Tokenization runs on each request's own virtual thread, so it is as parallel as the machine.
        info.put("tokenization_workers", Runtime.getRuntime().availableProcessors());
        info.put("version", Version.VERSION);
        info.put("sha", null);
        info.put("docker_label", null);
        info.put("normalize", d.normalize());
        info.put("device", model.device().toString());
        info.put("models", inference.models().all().stream().map(Model::name).sorted().toList());
        return info;
    }

    private void health(ServerRequest req, ServerResponse res) {
        named(req, res, "health").ifPresent(model -> {
            if (ready.getAsBoolean()) {
                exchange.answer(res, "health", () -> Map.of("status", "ok"));
            } else {
                exchange.fail(res, "health", Style.TEI, new ApiException(
                        Status.SERVICE_UNAVAILABLE_503, ErrorType.UNHEALTHY, "not ready: the server is draining"));
            }
        });
    }

    private void openAiModels(ServerRequest req, ServerResponse res) {
        exchange.answer(res, "openai_models", () -> Map.of("object", "list", "data", inference.models().all().stream()
                .map(m -> Map.<String, Object>of("id", m.name(), "object", "model", "owned_by", "meshinfer",
                                                 "created", 0))
                .toList()));
    }

    /** A 405 that names the allowed methods, in its message and in the {@code Allow} header HTTP asks for. */
    private io.helidon.webserver.http.Handler methodNotAllowed(String route, Style style, String... allowed) {
        ApiException error = new ApiException(Status.METHOD_NOT_ALLOWED_405, ErrorType.METHOD_NOT_ALLOWED,
                                              "method not allowed; use " + String.join(" or ", allowed));
        io.helidon.webserver.http.Handler refusal = exchange.always(route, style, error);
        String allow = String.join(", ", allowed);
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allow);
            refusal.handle(req, res);
        };
    }

    /** A POST route's operation, and how its body reads as one input or a batch. */
    private record Operation(ShapeRule shape, Endpoint endpoint) {
    }

    private static ApiException notFound() {
        return new ApiException(Status.NOT_FOUND_404, ErrorType.NOT_FOUND, "no such route");
    }
}
