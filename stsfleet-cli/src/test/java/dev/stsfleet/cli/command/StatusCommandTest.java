package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code status}: what session-token, write and credential-process left, with no STS call; --prune. */
class StatusCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();
    private StsSandbox sandbox;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 1, true);
        sandbox = sts.start(fleet.model());
        env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
    }

    private static List<String> rows(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("source").asText() + " " + n.path("profile").asText() + " "
                + n.path("account").asText() + " " + n.path("role").asText()));
        return out;
    }

    @Test
    void listsSessionSectionAndCacheEntries_noStsCall_andPruneRemovesOnlyExpired() throws Exception {
        assertThat(Cli.run(env, "session-token", "--profile", Fleets.SOURCE, "--lifetime", "4h", "--mfa-code",
                sandbox.totp(Fleets.MFA)).exit()).isZero();
        assertThat(Cli.run(env, "write", "ops0").exit()).isZero(); // also stores ops0 in the role-credential cache
        assertThat(Cli.run(env, "credential-process", "ops1").exit()).isZero();
        Path file = dir.resolve("credentials");
        Files.writeString(file, "# keep me\n" + Files.readString(file));
        sandbox.resetStats();
        env.put("AWS_ACCESS_KEY_ID", "ASIAENVIRONMENT0WXYZ");
        env.put("AWS_SECRET_ACCESS_KEY", "envSecretNeverShown");
        env.put("AWS_SESSION_TOKEN", "envTokenNeverShown");
        env.put("STSFLEET_PROFILE", "ops1");

        Cli.Result r = Cli.run(env, "status");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode items = new ObjectMapper().readTree(r.out());
        assertThat(rows(items)).contains(
                "environment ops1 200000000000 Ops1",
                "mfa-session alice 111111111111 (user, MFA)",
                "credentials-file sts-ops0 200000000000 Ops0",
                "role-cache ops1 200000000000 Ops1");
        assertThat(items.get(0).path("source").asText()).isEqualTo("mfa-session"); // 4h: the newest expiry first
        assertThat(r.out()).doesNotContain("envSecretNeverShown").doesNotContain("envTokenNeverShown")
                .doesNotContain(Fleets.SECRET).contains("...WXYZ");
        assertThat(sandbox.stats().total("GetCallerIdentity") + sandbox.stats().total("AssumeRole")).isZero();

        Cli.Result table = Cli.run(env, "status", "--format", "table");
        assertThat(table.out()).startsWith("SOURCE").contains("mfa-session").contains("LEFT");

        // Two hours later the role credentials (1h) have expired; the 4h MFA session has not.
        TestClock later = new TestClock();
        later.advance(Duration.ofHours(2));
        env.remove("AWS_ACCESS_KEY_ID");
        Cli.Result pruned = Cli.run(env, later, "status", "--prune", "--format", "json");

        assertThat(pruned.exit()).as(pruned.toString()).isZero();
        assertThat(pruned.err()).contains("pruned 0 expired MFA session(s), 2 cached role credentials, 1 section(s)");
        assertThat(rows(new ObjectMapper().readTree(pruned.out()))).containsExactly(
                "mfa-session alice 111111111111 (user, MFA)");
        String credentials = Files.readString(dir.resolve("credentials"));
        assertThat(credentials).contains("[alice]").contains("# keep me").doesNotContain("sts-ops0");
    }

    @Test
    void aRunningKeepFresh_isListedWithItsProfilesAndEnd_andGoneWhenItEnds() throws Exception {
        Fleets fleet = Fleets.create(Files.createDirectories(dir.resolve("scaled")), 2, 0, 1, true);
        StsSandbox scaled = sts.start(b -> b.model(fleet.model()).durationScale(0.01)); // 15m lasts 9 s
        Map<String, String> scaledEnv = fleet.env(scaled.endpoint().toString());
        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Cli.Result> run = runner.submit(() -> Cli.run(scaledEnv, "keep-fresh", "--all",
                    "--lifetime", "15m", "--mfa-code", scaled.totp(Fleets.MFA)));
            KeepFreshCommandTest.awaitSections(fleet.credentials(), 2, run);

            Cli.Result r = Cli.run(scaledEnv, "status", "--format", "json");

            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode running = null;
            for (JsonNode n : new ObjectMapper().readTree(r.out())) {
                if (n.path("source").asText().equals("keep-fresh")) {
                    running = n;
                }
            }
            assertThat(running).as(r.out()).isNotNull();
            assertThat(running.path("profile").asText()).isEqualTo("ops0,ops1");
            assertThat(running.toString()).contains("pid " + ProcessHandle.current().pid());
            assertThat(running.path("secondsLeft").asLong()).isPositive();
            assertThat(run.get(60, java.util.concurrent.TimeUnit.SECONDS).exit()).isZero();
            assertThat(Cli.run(scaledEnv, "status", "--format", "json").out()).doesNotContain("keep-fresh");
        } finally {
            runner.shutdownNow();
        }
    }
}
