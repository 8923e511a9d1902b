package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real command in its own JVM with {@code --debug} (so every logger is at debug, as a user
 * would run it) and searches stderr for the actual secret values of the run.
 */
class RedactionProcessTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    private record Run(int exit, String out, String err) {
    }

    private Run stsfleet(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Processes.JAVA.toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stsfleet finished").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    @Test
    void debugRun_withSuccessesAndFailures_neverPrintsASecretOnStderr() throws Exception {
        Fleets fleet = Fleets.create(dir, 4, 1, 2, true);
        sandbox = sts.start(fleet.model());
        String code = sandbox.totp(Fleets.MFA);

        Run r = stsfleet(fleet.env(sandbox.endpoint().toString()), "--debug", "generate", "--all",
                "--mfa-code", code, "--format", "json");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("DEBUG").contains("AccessDenied");
        List<String> secrets = new ArrayList<>(List.of(Fleets.SECRET, code));
        JsonNode creds = new ObjectMapper().readTree(r.out()).get("credentials");
        creds.forEach(c -> {
            secrets.add(c.get("SecretAccessKey").asText());
            secrets.add(c.get("SessionToken").asText());
        });
        assertThat(secrets).hasSize(2 + 2 * 4);
        for (String secret : secrets) {
            assertThat(r.err()).doesNotContain(secret);
        }

        // The same code again: the sandbox refuses a reused code; the error names no secret either.
        Run again = stsfleet(fleet.env(sandbox.endpoint().toString()), "--debug", "session-token", "--profile", "alice",
                "--mfa-code", code);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("stsfleet: error: AccessDenied");
        assertThat(again.err()).doesNotContain(code).doesNotContain(Fleets.SECRET);
        assertThat(again.out()).isEmpty();
    }
}
