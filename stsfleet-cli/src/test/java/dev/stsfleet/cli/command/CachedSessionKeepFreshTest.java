package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * keep-fresh and serve on the MFA session another command cached, with no code and no terminal; and a running
 * keep-fresh adopting the newer session a later {@code session-token} stores, so its sections stay fresh past
 * the first session's end. The sandbox scales durations by 0.005: an hour lasts 18 s.
 */
class CachedSessionKeepFreshTest {
    @TempDir
    Path dir;

    private Fleets fleet;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().model(model()).durationScale(0.0025).build();

    private final ExecutorService runner = Executors.newSingleThreadExecutor();

    private static dev.stsfleet.sandbox.SandboxModel model() {
        return Fleets.modelOf(2, 0, 2, true);
    }

    @BeforeEach
    void files() throws Exception {
        fleet = Fleets.create(dir, 2, 0, 2, true);
    }

    @AfterEach
    void stop() throws InterruptedException {
        runner.shutdownNow();
        runner.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Test
    void serve_onTheCachedSession_needsNoCode(StsSandbox sandbox) throws Exception {
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        assertThat(Cli.run(env, "session-token", "--profile", Fleets.SOURCE, "--lifetime", "1h",
                "--mfa-code", sandbox.totp(Fleets.MFA)).exit()).isZero();
        sandbox.resetStats();

        // The cached session lasts 9 s here, less than the 15 minutes asked: serve runs on it until it ends.
        Cli.Result r = Cli.run(env, "serve", "ops0", "ops1", "--lifetime", "15m");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=");
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
        assertThat(sandbox.stats().ok("AssumeRole")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Timeout(120)
    void keepFresh_adoptsTheSessionALaterSessionTokenStores_andKeepsSectionsFreshPastTheFirstSessionsEnd(
            StsSandbox sandbox) throws Exception {
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        Cli.Result first = Cli.run(env, "session-token", "--profile", Fleets.SOURCE, "--lifetime", "1h",
                "--mfa-code", sandbox.totp(Fleets.MFA));
        assertThat(first.exit()).as(first.toString()).isZero();
        Instant firstEnd = Instant.now().plusSeconds(9);

        // No code, no terminal: it runs on the cached 1 h session (9 s here) and says so once.
        Future<Cli.Result> run = runner.submit(() -> Cli.run(env, "keep-fresh", "ops0", "ops1", "--lifetime", "3h"));
        KeepFreshCommandTest.awaitSections(fleet.credentials(), 2, run);
        // Another terminal: a new 2 h session (18 s here), with the next time step's code (codes are single-use).
        Cli.Result second = Cli.run(env, "session-token", "--profile", Fleets.SOURCE, "--lifetime", "2h",
                "--mfa-code", sandbox.totp(Fleets.MFA, Instant.now().plusSeconds(30)));
        assertThat(second.exit()).as(second.toString()).isZero();

        Cli.Result result = run.get(100, TimeUnit.SECONDS);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("before the lifetime (3h)")
                .contains("keep-fresh: adopted a newer MFA session of profile alice").contains("no role lost");
        assertThat(sandbox.stats().ok("GetSessionToken")).as("only the two session-token runs").isEqualTo(2);
        assertThat(sandbox.stats().errors("AssumeRole")).doesNotContainKey("ExpiredToken");
        Instant lastExpiry = lastExpiration(Files.readString(fleet.credentials()));
        assertThat(lastExpiry).as("sections refreshed past the first session's end").isAfter(firstEnd.plusSeconds(4));
    }

    private static Instant lastExpiration(String file) {
        Matcher m = Pattern.compile("x_stsfleet_expiration = (\\S+)").matcher(file);
        Instant last = Instant.MIN;
        while (m.find()) {
            Instant i = Instant.parse(m.group(1));
            last = i.isAfter(last) ? i : last;
        }
        return last;
    }
}
