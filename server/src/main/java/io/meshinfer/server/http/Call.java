package io.meshinfer.server.http;

import java.util.concurrent.atomic.AtomicBoolean;

import io.meshinfer.models.Model;
import io.meshinfer.server.inference.Inference;
import io.meshinfer.server.inference.Timings;

/**
 * One API call as an endpoint sees it: the parsed body, the model the path chose, and the request's timings.
 *
 * @param body      the request's JSON object
 * @param model     the model named by the path, or the default one
 * @param inference the bridge to the models
 * @param timings   where phase times are recorded
 * @param abandoned set once the caller has gone away (its thread was interrupted: an HTTP/2 stream reset or a
 *                  server stop); its inputs still queued are then dropped before inference
 */
public record Call(JsonBody body, Model model, Inference inference, Timings timings, AtomicBoolean abandoned) {
}
