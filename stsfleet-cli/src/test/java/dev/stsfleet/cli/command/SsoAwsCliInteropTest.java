package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the real AWS CLI (botocore's own SSO token and credential providers) both ways, through the token
 * cache file: the AWS CLI uses the token stsfleet wrote, and stsfleet uses the token the AWS CLI wrote.
 */
class SsoAwsCliInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> awsEnv(Path home, StsSandbox s) {
        return Map.of("AWS_CONFIG_FILE", home.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString(),
                "AWS_ENDPOINT_URL_SSO", s.endpoint().toString(),
                "AWS_ENDPOINT_URL_SSO_OIDC", s.endpoint().toString(),
                "AWS_ENDPOINT_URL_STS", s.endpoint().toString());
    }

    @Test
    void awsCli_usesTheTokenStsfleetWrote(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            assertThat(Cli.run(SsoCommandTest.env(home, s), "sso", "login", "--use-device-code").exit()).isZero();
            Path file = SsoCommandTest.tokenFile(home, "corp");
            String written = Files.readString(file);
            AwsCli.Result r = AwsCli.run(home, awsEnv(home, s), "--profile", "dev", "sts", "get-caller-identity",
                    "--output", "json");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(JSON.readTree(r.out()).get("Arn").asText()).matches(
                    "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}/alice");
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(1);
            // Used as it was: not refreshed, not rewritten.
            assertThat(Files.readString(file)).isEqualTo(written);
        }
    }

    @Test
    void awsCli_throughSsoServe_getsTheIdentityCenterRoleCredentials(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            Map<String, String> env = SsoCommandTest.env(home, s);
            assertThat(Cli.run(env, "sso", "login", "--use-device-code").exit()).isZero();
            java.util.List<String> command = java.util.List.of(Processes.JAVA.toString(),
                    "-cp", System.getProperty("java.class.path"), dev.stsfleet.cli.Main.class.getName(),
                    "sso", "serve", "--role", "ReadOnlyAccess", "--account", "333333333333", "--lifetime", "1h");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(home.resolve("out").toFile())
                    .redirectError(home.resolve("err").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
            pb.environment().putAll(env);
            Process serve = pb.start();
            try {
                String uri = null;
                String token = null;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while ((uri == null || token == null) && serve.isAlive() && System.nanoTime() < deadline) {
                    for (String l : Files.readAllLines(home.resolve("out"))) {
                        if (l.startsWith("AWS_CONTAINER_CREDENTIALS_FULL_URI=")) {
                            uri = l.substring(l.indexOf('=') + 1);
                        } else if (l.startsWith("AWS_CONTAINER_AUTHORIZATION_TOKEN=")) {
                            token = l.substring(l.indexOf('=') + 1);
                        }
                    }
                    Thread.sleep(100);
                }
                assertThat(uri).as(Files.readString(home.resolve("err"))).endsWith("/v1/credentials/sts-readonly-ReadOnlyAccess");
                Path empty = Files.writeString(home.resolve("empty"), "");
                AwsCli.Result r = AwsCli.run(home, Map.of("AWS_CONFIG_FILE", empty.toString(),
                        "AWS_SHARED_CREDENTIALS_FILE", empty.toString(), "AWS_CONTAINER_CREDENTIALS_FULL_URI", uri,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN", token, "AWS_ENDPOINT_URL_STS", s.endpoint().toString()),
                        "sts", "get-caller-identity", "--output", "json");
                assertThat(r.exit()).as(r.toString()).isZero();
                assertThat(JSON.readTree(r.out()).get("Arn").asText()).matches(
                        "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}/alice");
            } finally {
                serve.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void stsfleet_usesTheTokenTheAwsCliWrote(@TempDir Path home) throws Exception {
        // Access tokens of 12 minutes: botocore refreshes any with less than 15 left, and writes the file itself.
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).durationScale(0.2).start()) {
            assertThat(Cli.run(SsoCommandTest.env(home, s), "sso", "login", "--use-device-code").exit()).isZero();
            Path file = SsoCommandTest.tokenFile(home, "corp");
            JsonNode ours = JSON.readTree(file.toFile());
            AwsCli.Result r = AwsCli.run(home, awsEnv(home, s), "--profile", "dev", "sts", "get-caller-identity");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode theirs = JSON.readTree(file.toFile());
            assertThat(theirs.get("accessToken").asText()).isNotEqualTo(ours.get("accessToken").asText());
            assertThat(s.stats().ok("CreateToken")).isEqualTo(2); // our sign-in, botocore's refresh

            Cli.Result g = Cli.run(SsoCommandTest.env(home, s), "sso", "generate", "--account", "333333333333",
                    "--format", "json");
            assertThat(g.exit()).as(g.toString()).isZero();
            assertThat(g.out()).contains("sts-readonly-ReadOnlyAccess");
            // The token botocore wrote still had more than 5 minutes: used as it was.
            assertThat(s.stats().ok("CreateToken")).isEqualTo(2);
            assertThat(JSON.readTree(file.toFile()).get("accessToken")).isEqualTo(theirs.get("accessToken"));
        }
    }
}
