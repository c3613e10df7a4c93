package io.loomflow.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.Task;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;

/** The example in the javadoc of {@link Resource}, run. */
class ResourceSnippets {

    // @start region="resource"
    static final Resource<HttpClient> HTTP = Resource.named("http", HttpClient::newHttpClient);

    static final Task<URI, String> fetch = Task.named("fetch", (URI uri) ->
            HTTP.get().send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body());
    // @end

    @Test
    void eachEngineOpensTheClientOnceAndClosesItWhenItCloses() {
        HttpClient client;
        try (Engine engine = Engine.builder().build()) {
            client = HTTP.get(engine);
            assertThat(HTTP.get(engine)).isSameAs(client);
            assertThat(engine.run(Task.named("uses", (String s) -> HTTP.get()), "x")).isSameAs(client);
            assertThat(client.isTerminated()).isFalse();
        }
        assertThat(client.isTerminated()).isTrue();
        assertThat(fetch.name()).isEqualTo("fetch");
    }
}
