package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.StsfleetCli;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.SandboxModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

class SandboxCommandTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StsfleetCli.newCommandLine(args);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printModel_printsTheBuiltInModel_andExits0() {
        Run r = run("sandbox", "--print-model");
        assertThat(r.exit()).isZero();
        assertThat(SandboxModel.parse(r.out()).roles()).isEqualTo(SandboxModel.demo().roles());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void printModel_withAModelFile_printsThatModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.json");
        Files.writeString(file, """
                {"roles": [{"arn": "arn:aws:iam::123456789012:role/Only", "trustedPrincipals": ["123456789012"]}]}
                """);
        Run r = run("sandbox", "--model", file.toString(), "--print-model");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("arn:aws:iam::123456789012:role/Only");
    }

    @Test
    void badModelFile_isOneErrorLine_exit2_noStackTrace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"roles": [{"arn": "arn:aws:iam::123456789012:role/A", "trustedPrincipals": ["123456789012"]},
                           {"arn": "arn:aws:iam::123456789012:role/B", "trustedPrincipals": ["123456789012"]},
                           {"arn": "x", "trustedPrincipals": ["123456789012"]}]}
                """);
        Run r = run("sandbox", "--model", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("stsfleet: error: model: roles[2].arn: not a role ARN: \"x\"" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingModelFile_isOneErrorLine_exit2(@TempDir Path dir) {
        Run r = run("sandbox", "--model", dir.resolve("nope.json").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("stsfleet: error: model: cannot read ").doesNotContain("\tat ");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void badOptionValues_areOneErrorLine_exit2() {
        for (List<String> args : List.of(List.of("--duration-scale", "2"), List.of("--duration-scale", "0"),
                List.of("--error-rate", "1.5"), List.of("--throttle-rps", "-1"), List.of("--latency-ms", "-5"),
                List.of("--port", "70000"))) {
            Run r = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("sandbox"), args.stream()).toArray(String[]::new));
            assertThat(r.exit()).as(args.toString()).isEqualTo(2);
            assertThat(r.err()).as(args.toString()).startsWith("stsfleet: error: ");
            assertThat(r.err().lines()).as(args.toString()).hasSize(1);
        }
    }

    @Test
    void portInUse_isOneErrorLine_exit2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = run("sandbox", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("stsfleet: error: cannot bind 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** The real thing: a separate JVM running the command's main class, stopped with SIGTERM. */
    @Test
    void sandboxProcess_printsEndpoint_answers_andStopsOnSigterm_within2Seconds() throws Exception {
        String java = Processes.JAVA.toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.stsfleet.cli.Main", "sandbox", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(first).matches("sandbox listening on http://127\\.0\\.0\\.1:\\d+");
            URI endpoint = URI.create(first.substring("sandbox listening on ".length()));

            SandboxModel.User alice = SandboxModel.demo().users().get(0);
            try (StsClient sts = StsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(alice.accessKeyId(), alice.secretAccessKey())))
                    .build()) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(alice.arn());
            }
            HttpResponse<String> stats = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(endpoint.resolve("/_sandbox/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.body()).contains("\"GetCallerIdentity\":{\"ok\":1");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("exited within 2 s of SIGTERM").isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
