package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * {@code sso write} and {@code sso keep-fresh} against the sandbox, the day run on a test clock that the test
 * moves 10 s every 25 ms (the refresher re-reads the clock at least every second: under 7 minutes of test time,
 * less than the 9 minutes before expiry where renewal starts), checking after every step that every section in
 * the credentials file is still valid: no expired hand-out.
 */
class SsoKeepFreshTest {
    @Test
    void write_everyPair_asCredentialsSections_keepingTheFile(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            Map<String, String> env = SsoCommandTest.env(home, s);
            Files.writeString(home.resolve("credentials"), "# mine\n[keep]\naws_access_key_id = AKIAKEEP\n");
            assertThat(Cli.run(env, "sso", "login", "--use-device-code").exit()).isZero();
            Cli.Result r = Cli.run(env, "sso", "write", "--role", "ReadOnlyAccess");
            assertThat(r.exit()).as(r.toString()).isZero();
            Map<String, Profile> sections = credentials(home);
            assertThat(sections).containsOnlyKeys("keep", "sts-deploy-ReadOnlyAccess", "sts-readonly-ReadOnlyAccess");
            assertThat(Files.readString(home.resolve("credentials"))).startsWith("# mine\n[keep]\naws_access_key_id = AKIAKEEP\n");
        }
    }

    /** Issue 16's proof: a scaled 8-hour day (about 75 s: in the scale suite). */
    @Test
    @Tag("scale")
    void keepFresh_aWorkDay_renewsEveryPair_andTheAccessToken_noExpiredHandOut(@TempDir Path home) throws Exception {
        day(home, Duration.ofHours(8));
    }

    private static void day(Path home, Duration lifetime) throws Exception {
        TestClock clock = new TestClock();
        try (StsSandbox s = StsSandbox.builder().clock(clock).ssoAutoApprove(true).start()) {
            Map<String, String> env = SsoCommandTest.env(home, s);
            assertThat(Cli.run(env, clock, "sso", "login", "--use-device-code").exit()).isZero();
            long signIns = s.stats().ok("CreateToken");
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() ->
                    Cli.run(env, clock, "sso", "keep-fresh", "--lifetime", lifetime.toHours() + "h"));
            Path file = home.resolve("credentials");
            while (!Files.exists(file) || credentials(home).size() < 3) {
                assertThat(run).isNotDone();
                Thread.sleep(20);
            }
            Instant end = clock.instant().plus(lifetime);
            List<String> expiredHandOuts = new ArrayList<>();
            while (!run.isDone() && clock.instant().isBefore(end.plus(Duration.ofMinutes(5)))) {
                clock.advance(Duration.ofSeconds(10));
                Thread.sleep(25);
                Instant now = clock.instant();
                if (now.isBefore(end)) {
                    credentials(home).forEach((name, p) -> {
                        Instant expires = Instant.parse(p.property("x_stsfleet_expiration").orElseThrow());
                        if (!expires.isAfter(now)) {
                            expiredHandOuts.add(name + " at " + now);
                        }
                    });
                }
            }
            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).contains("sso keep-fresh: done, no account role lost");
            assertThat(expiredHandOuts).isEmpty();
            long hours = lifetime.toHours();
            // Each pair renewed before each hour-long set ends within the lifetime; the hour-long access token
            // refreshed (with the refresh token) whenever a renewal needed it and it had under 5 minutes left.
            assertThat(s.stats().ok("GetRoleCredentials")).isGreaterThanOrEqualTo(3 * hours);
            assertThat(s.stats().ok("CreateToken") - signIns).isGreaterThanOrEqualTo(2);
            assertThat(s.stats().errors("GetRoleCredentials")).doesNotContainKey("UnauthorizedException");
        }
    }

    static Map<String, Profile> credentials(Path home) throws Exception {
        byte[] bytes = Files.readAllBytes(home.resolve("credentials"));
        return ProfileFile.builder().content(new ByteArrayInputStream(bytes)).type(ProfileFile.Type.CREDENTIALS).build()
                .profiles();
    }
}
