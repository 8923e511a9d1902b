package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keep-fresh} under faults, in real time against the sandbox at duration scale 0.005 (an hour lasts 18 s):
 * every other STS call failing and one role losing its trust. Apart from {@link KeepFreshCommandTest} so the two
 * long runs can take a JVM each.
 */
class KeepFreshFaultsTest {
    private static final double SCALE = 0.005;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private final ExecutorService runner = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        runner.shutdownNow();
        runner.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** About 40 s: a scaled 2 hours with every other STS call failing and one role losing its trust. */
    @Test
    @Timeout(150)
    void faults_duringRefresh_everyRoleRecovers_andARoleTurnedAccessDenied_isNamedInTheExitSummary() throws Exception {
        Fleets fleet = Fleets.create(dir, 4, 0, 2, true);
        sandbox = sts.start(b -> b.model(fleet.model()).durationScale(SCALE));
        Future<Cli.Result> run = runner.submit(() -> Cli.run(fleet.env(sandbox.endpoint().toString()), "keep-fresh",
                "ops0", "ops1", "ops2", "ops3", "--lifetime", "2h", "--as-prefix", "k-",
                "--mfa-code", sandbox.totp(Fleets.MFA)));
        String before = KeepFreshCommandTest.awaitSections(fleet.credentials(), 4, run);
        // Every other STS request fails from here, deterministically. Only the credentials' lifetimes are scaled
        // (an hour is 18 s, the refresh window a few seconds), not the retry backoff, and a refresh phase makes
        // only a dozen calls: a random share of failures injected none in one run, and five in a row (the window
        // gone) in others.
        sandbox.errorEvery(2);
        sandbox.revokeTrust("arn:aws:iam::200001111111:role/Ops1");

        Cli.Result result = run.get(120, TimeUnit.SECONDS);

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).contains("profile ops1: refresh failed, not retried: AccessDenied")
                .containsPattern("1 profile lost: ops1 \\(AccessDenied")
                .doesNotContain("profile ops0: credentials expired").doesNotContain("profile ops2: credentials expired")
                .doesNotContain("profile ops3: credentials expired");
        assertThat(sandbox.stats().errors("AssumeRole")).containsKey("InternalFailure")
                .doesNotContainKey("ExpiredToken");
        String after = Files.readString(fleet.credentials());
        for (String p : List.of("ops0", "ops2", "ops3")) {
            assertThat(expiration(after, "k-" + p)).as(p + " refreshed; keep-fresh said: " + result.err()).isGreaterThan(expiration(before, "k-" + p));
        }
        assertThat(expiration(after, "k-ops1")).isEqualTo(expiration(before, "k-ops1"));
    }

    private static String expiration(String file, String section) {
        Matcher m = Pattern.compile("\\[" + Pattern.quote(section) + "\\][^\\[]*x_stsfleet_expiration = (\\S+)")
                .matcher(file);
        return m.find() ? m.group(1) : "";
    }

}
