package io.meshinfer.server.http;

/** One API operation: takes a parsed call, returns the object written as the JSON response. */
@FunctionalInterface
public interface Endpoint {
    /**
     * Serves the call.
     *
     * @throws ApiException for anything the caller should be told about
     */
    Object serve(Call call);
}
