package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.StsCallException;
import dev.stsfleet.ThrottleControl;
import dev.stsfleet.testing.ScriptedStsServer;
import dev.stsfleet.testing.ScriptedStsServer.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** The gateway's throttle controls over HTTP: AIMD gates every attempt and returns every permit. */
class StsGatewayThrottleControlTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private final ScriptedStsServer server = new ScriptedStsServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private static AwsBasicCredentials keys() {
        return AwsBasicCredentials.create("AKIAEXAMPLEKEY000001", SECRET);
    }

    private StsGateway aimd(int ceiling, int maxAttempts, Duration maxBackoff) {
        return StsGateway.builder().endpoint(server.endpoint()).maxConnections(ceiling).maxAttempts(maxAttempts)
                .maxBackoff(maxBackoff).throttleControl(ThrottleControl.AIMD).build();
    }

    private static Answer throttle() {
        return Answer.error(400, "Throttling", "Rate exceeded");
    }

    @Test
    void aimd_retriesThrottling_andEveryRetryIsAnAttemptOfItsOwnWindow() {
        server.then(throttle(), throttle(), throttle());
        try (StsGateway gateway = aimd(4, 10, Duration.ofMillis(100))) {
            AimdLimiter limiter = gateway.limiter();

            assertThat(gateway.getCallerIdentity(keys()).account()).isEqualTo("123456789012");

            assertThat(server.count("GetCallerIdentity")).isEqualTo(4);
            // Each retry took a new permit after the previous cut, so each throttle cut (by half, floor 1):
            // 4 -> 2 -> 1 -> 1, then the success added 1/1.
            assertThat(limiter.decreases()).isEqualTo(3);
            assertThat(limiter.limit()).isEqualTo(2);
            assertThat(limiter.inFlight()).isZero();
            assertThat(gateway.throttleControl()).isEqualTo(ThrottleControl.AIMD);
        }
    }

    @Test
    void aimd_throttlingBeyondMaxAttempts_failsWithThrottling_andReturnsEveryPermit() {
        for (int i = 0; i < 5; i++) {
            server.then(throttle());
        }
        try (StsGateway gateway = aimd(8, 3, Duration.ofMillis(50))) {
            assertThatThrownBy(() -> gateway.getCallerIdentity(keys()))
                    .isInstanceOfSatisfying(StsCallException.class, e -> assertThat(e.code()).isEqualTo("Throttling"));

            assertThat(server.count("GetCallerIdentity")).isEqualTo(3);
            assertThat(gateway.limiter().inFlight()).isZero();
        }
    }

    @Test
    void aimd_finalError_isNotRetried_keepsTheLimit_andReturnsThePermit() {
        server.then(Answer.error(403, "AccessDenied", "no way"));
        try (StsGateway gateway = aimd(8, 10, Duration.ofMillis(50))) {
            assertThatThrownBy(() -> gateway.getCallerIdentity(keys()))
                    .isInstanceOfSatisfying(StsCallException.class, e -> {
                        assertThat(e.code()).isEqualTo("AccessDenied");
                        assertThat(e.getMessage()).isEqualTo("AccessDenied: no way");
                    });

            assertThat(server.count("GetCallerIdentity")).isEqualTo(1);
            assertThat(gateway.limiter().limit()).isEqualTo(8);
            assertThat(gateway.limiter().decreases()).isZero();
            assertThat(gateway.limiter().inFlight()).isZero();
        }
    }

    @Test
    void aimd_serverErrors_areRetried_withoutCuttingTheLimit() {
        server.then(new Answer(503, ""), Answer.error(500, "InternalFailure", "oops"));
        try (StsGateway gateway = aimd(8, 10, Duration.ofMillis(50))) {
            assertThat(gateway.getCallerIdentity(keys()).account()).isEqualTo("123456789012");

            assertThat(server.count("GetCallerIdentity")).isEqualTo(3);
            assertThat(gateway.limiter().decreases()).isZero();
            assertThat(gateway.limiter().inFlight()).isZero();
        }
    }

    @Test
    void aimd_refusedConnection_failsAtOnceAsNetworkError_namingHostAndPort_andReturnsEveryPermit() {
        int port = server.endpoint().getPort();
        server.close();
        try (StsGateway dead = StsGateway.builder().endpoint(URI.create("http://127.0.0.1:" + port))
                .maxAttempts(3).maxBackoff(Duration.ofMillis(20)).throttleControl(ThrottleControl.AIMD).build()) {
            assertThatThrownBy(() -> dead.getCallerIdentity(keys()))
                    .isInstanceOfSatisfying(StsCallException.class, e -> {
                        assertThat(e.code()).isEqualTo("NetworkError");
                        assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("connection refused");
                    });

            assertThat(dead.limiter().inFlight()).isZero();
            assertThat(dead.limiter().decreases()).isZero();
        }
    }

    @Test
    void aimd_interruptedCaller_failsAtOnce_withoutACall_andHoldsNoPermit() {
        try (StsGateway gateway = aimd(4, 10, Duration.ofMillis(50))) {
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> gateway.getCallerIdentity(keys()))
                        .isInstanceOfSatisfying(StsCallException.class,
                                e -> assertThat(e.code()).isEqualTo("ClientError"));
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(server.total()).isZero();
            assertThat(gateway.limiter().inFlight()).isZero();
        }
    }

    @Test
    void aimd_interruptedWhileRetrying_stops_andHoldsNoPermit() throws Exception {
        for (int i = 0; i < 50; i++) {
            server.then(throttle());
        }
        try (StsGateway gateway = aimd(4, 50, Duration.ofSeconds(20))) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    gateway.getCallerIdentity(keys());
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            caller.start();
            // Wait (bounded) until the call is under way: sleeping, sending or waiting for a permit.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.count("GetCallerIdentity") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            caller.interrupt();
            caller.join(Duration.ofSeconds(60).toMillis());

            assertThat(caller.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(StsCallException.class);
            assertThat(server.count("GetCallerIdentity")).isLessThan(50);
            assertThat(gateway.limiter().inFlight()).isZero();
        }
    }

    @Test
    void sdkAdaptive_retriesThrottling_withOurPredicates_andHasNoAimdLimiter() {
        server.then(throttle(), throttle());
        try (StsGateway gateway = StsGateway.builder().endpoint(server.endpoint()).maxBackoff(Duration.ofMillis(100))
                .throttleControl(ThrottleControl.SDK_ADAPTIVE).build()) {
            assertThat(gateway.getCallerIdentity(keys()).account()).isEqualTo("123456789012");

            assertThat(server.count("GetCallerIdentity")).isEqualTo(3);
            assertThat(gateway.limiter()).isNull();
        }
    }

    @Test
    void sdkAdaptive_finalError_isNotRetried() {
        server.then(Answer.error(403, "AccessDenied", "no way"));
        try (StsGateway gateway = StsGateway.builder().endpoint(server.endpoint())
                .throttleControl(ThrottleControl.SDK_ADAPTIVE).build()) {
            assertThatThrownBy(() -> gateway.getCallerIdentity(keys()))
                    .isInstanceOfSatisfying(StsCallException.class, e -> assertThat(e.code()).isEqualTo("AccessDenied"));
            assertThat(server.count("GetCallerIdentity")).isEqualTo(1);
        }
    }

    @Test
    void aimd_isTheBuildersDefault_withTheConnectionsAsCeiling() {
        try (StsGateway gateway = StsGateway.builder().endpoint(server.endpoint()).maxConnections(12).build()) {
            assertThat(gateway.throttleControl()).isEqualTo(ThrottleControl.AIMD);
            assertThat(gateway.limiter().ceiling()).isEqualTo(12);
            assertThat(gateway.limiter().limit()).isEqualTo(12);
        }
    }

    @Test
    void off_hasNoLimiter_andTheSdkRetries() {
        server.then(throttle(), throttle());
        try (StsGateway gateway = StsGateway.builder().endpoint(server.endpoint()).maxBackoff(Duration.ofMillis(100))
                .throttleControl(ThrottleControl.OFF).build()) {
            assertThat(gateway.getCallerIdentity(keys()).account()).isEqualTo("123456789012");

            assertThat(server.count("GetCallerIdentity")).isEqualTo(3);
            assertThat(gateway.limiter()).isNull();
        }
    }
}
