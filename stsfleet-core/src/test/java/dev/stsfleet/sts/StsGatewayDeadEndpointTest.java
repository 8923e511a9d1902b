package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.StsCallException;
import dev.stsfleet.ThrottleControl;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** Endpoints that never answer or refuse: bounded failures, each naming the host and what went wrong. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StsGatewayDeadEndpointTest {
    private static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("AKIADEADENDPOINT0001",
            "deadEndpointSecret/doNotUse+0000000000001");

    @ParameterizedTest
    @EnumSource(ThrottleControl.class)
    void aListeningButSilentEndpoint_failsAtTheCallTimeout_namingTheHost(ThrottleControl control) throws Exception {
        // The kernel completes the handshake for the backlog; nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + silent.getLocalPort();
            try (StsGateway gateway = StsGateway.builder().endpoint(URI.create("http://" + target))
                    .throttleControl(control).callTimeout(Duration.ofSeconds(1)).build()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> gateway.getCallerIdentity(KEYS))
                        .isInstanceOfSatisfying(StsCallException.class, e -> {
                            assertThat(e.code()).isEqualTo("NetworkError");
                            assertThat(e.getMessage()).contains(target).contains("call timeout of 1s");
                        });
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3_000);
            }
        }
    }

    @Test
    void aRefusedConnection_failsInUnderThreeSeconds_asNetworkError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (StsGateway gateway = StsGateway.builder().endpoint(URI.create("http://127.0.0.1:" + port)).build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> gateway.getCallerIdentity(KEYS))
                    .isInstanceOfSatisfying(StsCallException.class, e -> {
                        assertThat(e.code()).isEqualTo("NetworkError");
                        assertThat(e.getMessage()).endsWith("cannot connect to 127.0.0.1:" + port + ": connection refused");
                    });
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3_000);
        }
    }

    @Test
    void theDefaults_areATwoSecondConnectTimeout_andAThirtySecondCallDeadline() {
        assertThat(StsGateway.CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(2));
        assertThat(StsGateway.DEFAULT_CALL_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }
}
