package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.Main;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as its own JVM (so it can be stopped with SIGTERM) against the sandbox at duration scale
 * 0.005, with the real AWS CLI reading credentials from it through AWS_CONTAINER_CREDENTIALS_FULL_URI.
 */
class ServeCommandTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Process serve;

    @AfterEach
    void stop() throws InterruptedException {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** About 60 s: until the AWS CLI has gone through three refresh cycles. */
    @Test
    @Timeout(180)
    void awsCli_throughTheContainerEndpoint_succeedsAcrossThreeRefreshes_tokenRequired_stopsOnSigterm()
            throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 2, true);
        sandbox = sts.start(b -> b.model(fleet.model()).durationScale(0.005));
        String endpoint = sandbox.endpoint().toString();
        List<String> command = new ArrayList<>(List.of(Processes.JAVA.toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "ops0", "ops1",
                "--lifetime", "6h", "--format", "env", "--mfa-code", sandbox.totp(Fleets.MFA)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(fleet.env(endpoint));
        serve = pb.start();

        Map<String, String> exports = awaitExports(dir.resolve("out"));
        String uri = exports.get("ops0:AWS_CONTAINER_CREDENTIALS_FULL_URI");
        String token = exports.get("ops0:AWS_CONTAINER_AUTHORIZATION_TOKEN");
        assertThat(URI.create(uri).getHost()).isEqualTo("127.0.0.1");
        assertThat(uri).endsWith("/v1/credentials/ops0");
        assertThat(exports.get("ops1:AWS_CONTAINER_CREDENTIALS_FULL_URI")).endsWith("/v1/credentials/ops1");

        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, uri, null).statusCode()).isEqualTo(401);
        assertThat(get(http, uri, token.substring(1) + "A").statusCode()).isEqualTo(403);
        assertThat(get(http, uri.replace("ops0", "nope"), token).statusCode()).isEqualTo(404);

        Path empty = Files.writeString(dir.resolve("empty"), "");
        Map<String, String> awsEnv = Map.of("AWS_CONFIG_FILE", empty.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", empty.toString(),
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        Set<String> keysSeen = new LinkedHashSet<>();
        List<String> failures = new ArrayList<>();
        int attempts = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
        while (keysSeen.size() < 4 && serve.isAlive() && System.nanoTime() < deadline) {
            long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            HttpResponse<String> served = get(http, uri, token);
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            keysSeen.add(new ObjectMapper().readTree(served.body()).get("AccessKeyId").asText());
            AwsCli.Result r = AwsCli.run(dir, awsEnv, "sts", "get-caller-identity", "--endpoint-url", endpoint,
                    "--output", "json");
            attempts++;
            if (r.exit() != 0 || !r.out().contains("assumed-role/Ops0")) {
                failures.add(r.toString());
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the pace, not a wait for expiry
        }
        assertThat(keysSeen).as("initial set + 3 refreshes").hasSize(4);
        assertThat(failures).as("failed AWS CLI calls of %d", attempts).isEmpty();
        assertThat(sandbox.stats().errors("GetCallerIdentity")).doesNotContainKey("ExpiredToken");

        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        // The JVM reports a SIGTERM as 128 + 15, whatever the command did; "cleanly" is what it did first:
        // stop serving, close the fleet (joining its threads) and say so.
        assertThat(serve.exitValue()).as(err).isEqualTo(143);
        assertThat(err).contains("serve: stopping on a signal").doesNotContain(token);
    }

    private static HttpResponse<String> get(HttpClient http, String uri, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(uri)).GET();
        if (token != null) {
            r.header("Authorization", token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls (bounded) until serve printed its export lines; keyed {@code profile:VARIABLE}. */
    private Map<String, String> awaitExports(Path out) throws Exception {
        Pattern line = Pattern.compile("export (AWS_CONTAINER_\\w+)='([^']+)'");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && serve.isAlive()) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (text.split("AWS_CONTAINER_AUTHORIZATION_TOKEN", -1).length - 1 >= 2) {
                Map<String, String> exports = new java.util.HashMap<>();
                String profile = null;
                for (String l : text.split("\n")) {
                    if (l.startsWith("# profile ")) {
                        profile = l.substring("# profile ".length()).trim();
                    }
                    Matcher m = line.matcher(l);
                    if (m.matches()) {
                        exports.put(profile + ":" + m.group(1), m.group(2));
                    }
                }
                return exports;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve printed no exports: " + Files.readString(dir.resolve("err")));
    }
}
