package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Endpoints that hide a password, never answer, refuse, or sit on a busy port: bounded, and nothing leaks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadEndpointsAndSecretUrlsTest {
    private static final String PASSWORD = "hunter2PasswordInUrl";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = Fleets.create(dir, 2, 0, 2, true);
        sandbox = sts.start(fleet.model());
    }

    private void assertNoStsCall() {
        for (String action : List.of("GetSessionToken", "AssumeRole", "GetCallerIdentity")) {
            assertThat(sandbox.stats().total(action)).as(action).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--endpoint-url", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"})
    void anEndpointWithAPassword_isRefused_exit2_andThePasswordIsNeverPrinted(String where) {
        String url = "http://user:" + PASSWORD + "@127.0.0.1:" + sandbox.endpoint().getPort();
        Map<String, String> env = new HashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.remove("AWS_ENDPOINT_URL_STS");
        Cli.Result r = where.startsWith("--")
                ? Cli.run(env, "--debug", "generate", "ops0", "--mfa-code", "123456", where, url)
                : run(env, where, url);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("stsfleet: error: " + where).contains("'@'");
        assertThat(r.err() + r.out()).doesNotContain(PASSWORD);
        assertNoStsCall();
    }

    private static Cli.Result run(Map<String, String> env, String variable, String url) {
        env.put(variable, url);
        return Cli.run(env, "--debug", "generate", "ops0", "--mfa-code", "123456");
    }

    @Test
    void aNonHttpEndpointVariable_isRefusedUpFront() {
        Map<String, String> env = new HashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_ENDPOINT_URL_STS", "gopher://127.0.0.1:70/");
        Cli.Result r = Cli.run(env, "generate", "ops0", "--mfa-code", "123456");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("stsfleet: error: AWS_ENDPOINT_URL_STS").contains("http(s)");
    }

    @Test
    void aSilentEndpoint_failsWithinTheCallTimeout_namingTheHost() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();
            Cli.Result r = Cli.run(fleet.env("http://" + target), "--call-timeout", "3s", "generate", "ops0",
                    "--mfa-code", "123456");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains(target).contains("call timeout of 3s");
            assertThat(ms).isLessThan(5_000);
        }
    }

    @Test
    void aRefusedConnection_failsInUnderThreeSeconds_asNetworkError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run(fleet.env("http://127.0.0.1:" + port), "generate", "ops0", "--mfa-code", "123456");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("NetworkError").contains("127.0.0.1:" + port).contains("connection refused");
        assertThat(ms).isLessThan(3_000);
    }

    @Test
    void serveOnABusyPort_failsBeforeTheMfaPrompt_withNoStsCall() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "serve", "ops0", "--port",
                    String.valueOf(busy.getLocalPort()));
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("127.0.0.1:" + busy.getLocalPort()).doesNotContain("MFA code");
            assertNoStsCall();
        }
    }
}
