package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.StsCallException;
import dev.stsfleet.ThrottleControl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
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

    /** One connection: the JDK's HttpURLConnection; a pool: Apache's client (SdkClients). Both must say the same. */
    @ParameterizedTest(name = "maxConnections {0}")
    @ValueSource(ints = {1, 64})
    void aRefusedConnection_failsInUnderThreeSeconds_asNetworkError(int maxConnections) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (StsGateway gateway = StsGateway.builder().endpoint(URI.create("http://127.0.0.1:" + port))
                .maxConnections(maxConnections).build()) {
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
    void aSilentEndpoint_throughOneConnection_failsAtTheCallTimeout_too() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + silent.getLocalPort();
            try (StsGateway gateway = StsGateway.builder().endpoint(URI.create("http://" + target)).maxConnections(1)
                    .callTimeout(Duration.ofSeconds(1)).build()) {
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
    void theDefaults_areATwoSecondConnectTimeout_andAThirtySecondCallDeadline() {
        assertThat(CallLimits.DEFAULT.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(CallLimits.DEFAULT.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(StsGateway.DEFAULT_CALL_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest(name = "maxConnections {0}")
    @ValueSource(ints = {1, 64})
    void anEndpointWhoseBacklogIsFull_failsAtTheConnectTimeoutGiven_namingHostAndDeadline(int maxConnections)
            throws Exception {
        // A listener nobody accepts from, its accept queue filled: the kernel drops further SYNs, so a connect
        // hangs until the client gives up (loopback only; no outside network needed).
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = fill(full);
            try (StsGateway gateway = StsGateway.builder().endpoint(URI.create("http://127.0.0.1:" + full.getLocalPort()))
                    .maxAttempts(1).throttleControl(ThrottleControl.OFF).maxConnections(maxConnections)
                    .callLimits(new CallLimits(Duration.ofMillis(700), Duration.ofSeconds(20))).build()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> gateway.getCallerIdentity(KEYS))
                        .isInstanceOfSatisfying(StsCallException.class, e -> {
                            assertThat(e.code()).isEqualTo("NetworkError");
                            assertThat(e.getMessage()).endsWith("cannot connect to 127.0.0.1:" + full.getLocalPort()
                                    + ": no answer within 700ms (--connect-timeout)");
                        });
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).isBetween(600L, 5_000L);
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    /** Connections that complete until one does not (the queue is full), at most 20. */
    private static List<Socket> fill(ServerSocket server) throws IOException {
        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 300);
                queued.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return queued;
            }
        }
        queued.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        });
        throw new org.opentest4j.TestAbortedException("this kernel completes every connection to a full backlog");
    }
}
