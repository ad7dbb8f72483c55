package io.meshinfer.server.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshinfer.connect.consul.ConsulClient;
import io.meshinfer.connect.consul.ConsulEndpoint;
import io.meshinfer.connect.testing.ConsulAgent;
import io.meshinfer.server.TestServer;

/**
 * Consul mode on an agent with ACLs on and default policy deny, the server holding its token in a file
 * ({@code CONSUL_HTTP_TOKEN_FILE}): nothing is allowed until an intention says so.
 */
class ConsulAclModeTest {
    private static final String EMBED = "{\"inputs\": \"closed by default\"}";

    @TempDir
    static Path temp;
    static ConsulAgent agent;
    static TestServer server;
    static MeshCaller web;

    @BeforeAll
    static void start() throws IOException {
        agent = ConsulAgent.startAclDefaultDeny();
        Path token = temp.resolve("token");
        Files.writeString(token, agent.managementToken().orElseThrow() + "\n");
        try (ConsulClient consul = agent.client()) {
            web = new MeshCaller(agent.leaf("web"), consul.get(ConsulEndpoint.caRoots()).body(), "inference");
        }
        server = TestServer.startMtls(web.context(), "--consul-http-addr", agent.httpAddress(),
                "--consul-http-token-file", token.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        agent.close();
    }

    @Test
    void aCallerWithoutAnIntentionIsRefusedAndAnAllowLetsItIn() throws Exception {
        assertThrows(IOException.class, () -> web.post(server.server().port(), "/embed", EMBED),
                "default deny: refused in the handshake");
        agent.upsertIntention("web", "inference", "allow");
        try {
            long deadline = System.nanoTime() + 2_000_000_000L;
            int status = 0;
            while (System.nanoTime() < deadline && status != 200) {
                try {
                    status = web.post(server.server().port(), "/embed", EMBED).status();
                } catch (IOException refusedStill) {
                    Thread.sleep(20);
                }
            }
            assertEquals(200, status, "allowed within 2 s of the intention write");
        } finally {
            agent.deleteIntention("web", "inference");
        }
    }
}
