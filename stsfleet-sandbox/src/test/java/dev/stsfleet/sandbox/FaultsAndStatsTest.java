package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

class FaultsAndStatsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void latency_delaysEveryAnswer_byAtLeastTheConfiguredTime() {
        try (StsSandbox sandbox = StsSandbox.builder().latency(Duration.ofMillis(300)).start();
             StsClient alice = Sdk.alice(sandbox)) {
            long start = System.nanoTime();
            alice.getCallerIdentity();
            // A lower bound only: sleeping guarantees it, whatever the machine's load.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void throttle_answersThrottlingRateExceeded_onceTheBucketIsEmpty() {
        try (StsSandbox sandbox = StsSandbox.builder().throttleRps(0.001).start();
             StsClient alice = Sdk.alice(sandbox)) {
            alice.getCallerIdentity();
            assertThat(error(alice::getCallerIdentity, "Throttling", 400).awsErrorDetails().errorMessage())
                    .isEqualTo("Rate exceeded");
            assertThat(sandbox.stats().errors("GetCallerIdentity")).isEqualTo(Map.of("Throttling", 1L));
        }
    }

    @Test
    void noThrottle_servesEveryRequest() {
        try (StsSandbox sandbox = StsSandbox.builder().start(); StsClient alice = Sdk.alice(sandbox)) {
            for (int i = 0; i < 20; i++) {
                alice.getCallerIdentity();
            }
            assertThat(sandbox.stats().ok("GetCallerIdentity")).isEqualTo(20);
        }
    }

    @Test
    void errorRateOne_answersInternalFailure500_andZero_never() {
        try (StsSandbox failing = StsSandbox.builder().errorRate(1.0).start(); StsClient alice = Sdk.alice(failing)) {
            error(alice::getCallerIdentity, "InternalFailure", 500);
        }
        try (StsSandbox fine = StsSandbox.builder().errorRate(0.0).start(); StsClient alice = Sdk.alice(fine)) {
            alice.getCallerIdentity();
        }
    }

    @Test
    void errorEvery_failsEveryNthRequestFromTheChange_deterministically_andZeroTurnsItOff() {
        try (StsSandbox sandbox = StsSandbox.builder().start(); StsClient alice = Sdk.alice(sandbox)) {
            alice.getCallerIdentity();
            sandbox.errorEvery(2);
            // Requests 1, 2, 3, 4 from the change: 2 and 4 fail (this client does not retry).
            alice.getCallerIdentity();
            error(alice::getCallerIdentity, "InternalFailure", 500);
            alice.getCallerIdentity();
            error(alice::getCallerIdentity, "InternalFailure", 500);
            assertThat(sandbox.stats().ok("GetCallerIdentity")).isEqualTo(3);
            assertThat(sandbox.stats().errors("GetCallerIdentity")).isEqualTo(Map.of("InternalFailure", 2L));
            sandbox.errorEvery(0);
            for (int i = 0; i < 4; i++) {
                alice.getCallerIdentity();
            }
            assertThat(sandbox.stats().errors("GetCallerIdentity")).isEqualTo(Map.of("InternalFailure", 2L));
            assertThatThrownBy(() -> sandbox.errorEvery(1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void stats_countPerActionAndOutcome_inProcessAndOverHttp_andResetZeroes() throws Exception {
        try (StsSandbox sandbox = StsSandbox.builder().start(); StsClient alice = Sdk.alice(sandbox)) {
            alice.getCallerIdentity();
            alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1").externalId(Sdk.AUDIT_EXTERNAL_ID));
            error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1")), "AccessDenied", 403);
            error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1")), "AccessDenied", 403);

            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(1);
            assertThat(sandbox.stats().errors("AssumeRole")).isEqualTo(Map.of("AccessDenied", 2L));
            assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(3);
            assertThat(sandbox.stats().total("GetSessionToken")).isZero();

            JsonNode json = new ObjectMapper().readTree(get(sandbox.endpoint().resolve("/_sandbox/stats")).body());
            assertThat(json.path("AssumeRole").path("ok").asLong()).isEqualTo(1);
            assertThat(json.path("AssumeRole").path("errors").path("AccessDenied").asLong()).isEqualTo(2);
            assertThat(json.path("GetCallerIdentity").path("ok").asLong()).isEqualTo(1);

            HttpResponse<String> reset = http.send(HttpRequest.newBuilder(sandbox.endpoint().resolve("/_sandbox/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reset.statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().total("AssumeRole")).isZero();
            assertThat(get(sandbox.endpoint().resolve("/_sandbox/stats")).body()).isEqualTo("{}");

            alice.getCallerIdentity();
            sandbox.resetStats();
            assertThat(sandbox.stats().toJson()).isEqualTo("{}");
        }
    }

    @Test
    void close_stopsServing_andIsIdempotent() throws Exception {
        StsSandbox sandbox = StsSandbox.builder().start();
        URI stats = sandbox.endpoint().resolve("/_sandbox/stats");
        assertThat(get(stats).statusCode()).isEqualTo(200);
        assertThat(sandbox.endpoint().getHost()).isEqualTo("127.0.0.1");
        sandbox.close();
        sandbox.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
