package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.CallerIdentity;
import dev.stsfleet.StsCallException;
import dev.stsfleet.testing.ScriptedStsServer;
import dev.stsfleet.testing.ScriptedStsServer.Answer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class StsGatewayTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE1234567890";
    private final ScriptedStsServer server = new ScriptedStsServer();
    private final StsGateway gateway = StsGateway.builder()
            .endpoint(server.endpoint())
            .maxBackoff(Duration.ofMillis(200))
            .build();

    @AfterEach
    void stop() {
        gateway.close();
        server.close();
    }

    private static AwsBasicCredentials keys() {
        return AwsBasicCredentials.create("AKIAEXAMPLEKEY000001", SECRET);
    }

    @Test
    void throttling_isRetriedUntilItSucceeds() {
        server.then(Answer.error(400, "Throttling", "Rate exceeded"), Answer.error(400, "Throttling", "Rate exceeded"),
                Answer.error(400, "Throttling", "Rate exceeded"));

        CallerIdentity id = gateway.getCallerIdentity(keys());

        assertThat(id.arn()).isEqualTo("arn:aws:iam::123456789012:user/alice");
        assertThat(server.count("GetCallerIdentity")).isEqualTo(4);
    }

    @Test
    void serverErrors_andInternalFailure_areRetried() {
        server.then(new Answer(503, ""), Answer.error(500, "InternalFailure", "oops"),
                Answer.error(502, "BadGateway", "proxy"));

        assertThat(gateway.getCallerIdentity(keys()).account()).isEqualTo("123456789012");
        assertThat(server.count("GetCallerIdentity")).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AccessDenied", "ValidationError", "ExpiredToken", "InvalidClientTokenId",
            "SignatureDoesNotMatch"})
    void finalErrors_areNotRetried_andKeepAwsCodeAndMessage(String code) {
        server.then(Answer.error(403, code, "no way"));

        assertThatThrownBy(() -> gateway.getCallerIdentity(keys()))
                .isInstanceOfSatisfying(StsCallException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).isEqualTo(code + ": no way");
                });
        assertThat(server.count("GetCallerIdentity")).isEqualTo(1);
    }

    @Test
    void throttling_beyondMaxAttempts_failsWithThrottling() {
        try (StsGateway three = StsGateway.builder().endpoint(server.endpoint()).maxAttempts(3)
                .maxBackoff(Duration.ofMillis(50)).build()) {
            for (int i = 0; i < 5; i++) {
                server.then(Answer.error(400, "Throttling", "Rate exceeded"));
            }
            assertThatThrownBy(() -> three.getCallerIdentity(keys()))
                    .isInstanceOfSatisfying(StsCallException.class, e -> assertThat(e.code()).isEqualTo("Throttling"));
            assertThat(server.count("GetCallerIdentity")).isEqualTo(3);
        }
    }

    @Test
    void errorMessages_neverCarryTheCallersSecrets() {
        // A server that echoes secrets (none should, but the boundary masks them anyway).
        server.then(Answer.error(403, "AccessDenied", "bad " + SECRET + " and " + TOKEN + " and ext-id-42"));
        AwsSessionCredentials caller = AwsSessionCredentials.create("ASIAEXAMPLE000000001", SECRET, TOKEN);

        assertThatThrownBy(() -> gateway.assumeRole(caller, "arn:aws:iam::123456789012:role/r", "s-1", 900,
                "ext-id-42"))
                .isInstanceOfSatisfying(StsCallException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("ext-id-42");
                    assertThat(e.getCause()).isNull();
                });
    }

    @Test
    void unreachableEndpoint_isANetworkError_namingHostAndPort() {
        int port = server.endpoint().getPort();
        server.close();
        try (StsGateway dead = StsGateway.builder().endpoint(java.net.URI.create("http://127.0.0.1:" + port))
                .maxAttempts(2).maxBackoff(Duration.ofMillis(20)).build()) {
            assertThatThrownBy(() -> dead.getCallerIdentity(keys()))
                    .isInstanceOfSatisfying(StsCallException.class, e -> assertThat(e.code()).isEqualTo("NetworkError"))
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void assumedRole_toString_showsNoSecret() {
        AssumedRole role = new AssumedRole(dev.stsfleet.TemporaryCredentials.of("ASIAEXAMPLE000000001", SECRET, TOKEN,
                java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(3600)),
                "arn:aws:sts::123456789012:assumed-role/r/s");
        assertThat(role.toString()).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("ASIAEXAMPLE00000")
                .contains("0001");
    }
}
