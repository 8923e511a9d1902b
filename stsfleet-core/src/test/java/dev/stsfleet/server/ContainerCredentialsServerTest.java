package dev.stsfleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.TemporaryCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loopback container-credentials endpoint, spoken to over real HTTP. */
class ContainerCredentialsServerTest {
    private static final TemporaryCredentials ONE = TemporaryCredentials.of("ASIASERVERTEST000001",
            "serverSecretOne/doNotUse+000000000000001", "serverTokenOne", Instant.parse("2030-01-01T00:00:00Z"),
            Instant.parse("2030-01-01T01:00:00Z"));
    private static final TemporaryCredentials TWO = TemporaryCredentials.of("ASIASERVERTEST000002",
            "serverSecretTwo/doNotUse+000000000000002", "serverTokenTwo", Instant.parse("2030-01-01T00:50:00Z"),
            Instant.parse("2030-01-01T01:50:00Z"));

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<TemporaryCredentials> current = new AtomicReference<>(ONE);
    private ContainerCredentialsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ContainerCredentialsServer start() {
        server = ContainerCredentialsServer.builder().profiles(List.of("prod", "with space"))
                .credentials(p -> p.equals("prod") ? Optional.ofNullable(current.get()) : Optional.empty())
                .build();
        return server;
    }

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            r.header("Authorization", token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rightToken_getsTheCurrentCredentials_inTheContainerFormat_andFollowsChanges() throws Exception {
        start();
        HttpResponse<String> r = get(server.uri("prod"), server.authorizationToken());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.get("AccessKeyId").asText()).isEqualTo(ONE.accessKeyId());
        assertThat(body.get("SecretAccessKey").asText()).isEqualTo(ONE.secretAccessKey());
        assertThat(body.get("Token").asText()).isEqualTo(ONE.sessionToken());
        assertThat(body.get("Expiration").asText()).isEqualTo("2030-01-01T01:00:00Z");

        current.set(TWO);
        JsonNode next = new ObjectMapper().readTree(get(server.uri("prod"), server.authorizationToken()).body());
        assertThat(next.get("AccessKeyId").asText()).isEqualTo(TWO.accessKeyId());
    }

    @Test
    void missingToken_is401_wrongToken_is403_unknownProfile_is404_allJsonWithoutSecrets() throws Exception {
        start();
        HttpResponse<String> missing = get(server.uri("prod"), null);
        HttpResponse<String> wrong = get(server.uri("prod"), server.authorizationToken() + "x");
        HttpResponse<String> prefix = get(server.uri("prod"), server.authorizationToken().substring(1));
        URI other = URI.create("http://127.0.0.1:" + server.address().getPort() + "/v1/credentials/nope");
        HttpResponse<String> unknown = get(other, server.authorizationToken());
        HttpResponse<String> unknownNoToken = get(other, null);
        HttpResponse<String> empty = get(server.uri("with space"), server.authorizationToken());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(prefix.statusCode()).isEqualTo(403);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknownNoToken.statusCode()).as("no token, no information").isEqualTo(401);
        assertThat(empty.statusCode()).isEqualTo(503);
        for (HttpResponse<String> r : List.of(missing, wrong, prefix, unknown, empty)) {
            assertThat(new ObjectMapper().readTree(r.body()).get("Message").asText()).isNotBlank();
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(r.body()).doesNotContain(ONE.secretAccessKey()).doesNotContain(ONE.sessionToken())
                    .doesNotContain(server.authorizationToken());
        }
    }

    @Test
    void token_is32RandomBytes_differentPerServer_andNeverInToString() {
        ContainerCredentialsServer a = start();
        String token = a.authorizationToken();
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        try (ContainerCredentialsServer b = ContainerCredentialsServer.builder().profiles(List.of("prod"))
                .credentials(p -> Optional.empty()).build()) {
            assertThat(b.authorizationToken()).isNotEqualTo(token);
        }
        assertThat(a.toString()).doesNotContain(token);
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        start();
        assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        // The kernel's own tables: our port's listening socket is bound to 127.0.0.1 (as an IPv4 socket, or
        // IPv4-mapped on a dual-stack one), never to a wildcard or another address.
        String port = String.format(Locale.ROOT, "%04X", server.address().getPort());
        List<String> listening = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                    .filter(f -> f[1].endsWith(":" + port) && f[3].equals("0A")).forEach(f -> listening.add(f[1]));
        }
        assertThat(listening).hasSize(1);
        assertThat(listening.get(0)).isIn("0100007F:" + port, "0000000000000000FFFF00000100007F:" + port);
    }

    @Test
    void unservedProfile_hasNoUri_andClose_joinsItsThreads() throws Exception {
        start();
        assertThatThrownBy(() -> server.uri("nope")).isInstanceOf(IllegalArgumentException.class);
        get(server.uri("prod"), server.authorizationToken());
        server.close();
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("stsfleet-server-"))).isEmpty();
    }
}
