package io.meshinfer.server.http;

import io.meshinfer.models.Model;
import io.meshinfer.server.inference.CallerWait;
import io.meshinfer.server.inference.Inference;
import io.meshinfer.server.inference.Timings;

/**
 * One API call as an endpoint sees it: the parsed body, the model the path chose, and the request's timings.
 *
 * @param body       the request's JSON object
 * @param model      the model named by the path, or the default one
 * @param inference  the bridge to the models
 * @param timings    where phase times are recorded
 * @param callerWait whether the caller still waits; its inputs still queued are dropped once it does not
 */
public record Call(JsonBody body, Model model, Inference inference, Timings timings, CallerWait callerWait) {
    /** This call with the fields of the body's {@code parameters} object lifted to its top level. */
    public Call withParametersLifted() {
        return new Call(body.withParametersLifted(), model, inference, timings, callerWait);
    }
}
