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
 * {@code keep-fresh} in real time against the sandbox at duration scale 0.005 (an hour lasts 18 s), with
 * the real AWS CLI reading the credentials file while stsfleet rewrites it.
 */
class KeepFreshCommandTest {
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

    /** About 55 s: a scaled 3 hours, the AWS CLI every 2 s. */
    @Test
    @Timeout(200)
    void threeHours_ofFiveRoles_theAwsCliSucceedsEveryTwoSeconds_andNoExpiredToken() throws Exception {
        Fleets fleet = Fleets.create(dir, 5, 0, 3, true);
        Files.writeString(fleet.credentials(), "# my keys\n" + Files.readString(fleet.credentials()));
        sandbox = sts.start(b -> b.model(fleet.model()).durationScale(SCALE));
        String endpoint = sandbox.endpoint().toString();
        Future<Cli.Result> run = runner.submit(() -> Cli.run(fleet.env(endpoint), "keep-fresh", "--all",
                "--lifetime", "3h", "--mfa-code", sandbox.totp(Fleets.MFA)));
        awaitSections(fleet.credentials(), 5, run);

        Path emptyConfig = Files.writeString(dir.resolve("aws-config"), "");
        Map<String, String> awsEnv = Map.of("AWS_CONFIG_FILE", emptyConfig.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", fleet.credentials().toString());
        List<String> failures = new ArrayList<>();
        int attempts = 0;
        boolean overtaken = false;
        while (!run.isDone()) {
            long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            String profile = "sts-" + fleet.profiles().get(attempts % 5);
            AwsCli.Result r = AwsCli.run(dir, awsEnv, "sts", "get-caller-identity", "--profile", profile,
                    "--endpoint-url", endpoint, "--output", "json");
            attempts++;
            if (run.isDone() && r.exit() != 0) {
                overtaken = true;
                break; // the lifetime ended while this call ran: its credentials may have ended with it
            }
            if (r.exit() != 0 || !r.out().contains("assumed-role/Ops")) {
                failures.add(profile + ": " + r);
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the pace, not a wait for expiry
        }
        Cli.Result result = run.get(60, TimeUnit.SECONDS);

        assertThat(failures).as("failed AWS CLI calls").isEmpty();
        assertThat(attempts).as("AWS CLI calls over the lifetime").isGreaterThanOrEqualTo(15);
        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("keep-fresh: cycle 3 of").contains("no role lost")
                .doesNotContain("dev.stsfleet").doesNotContain(" INFO ").doesNotContain("WARN").doesNotContain("warning:")
                .doesNotContain("before the lifetime"); // its session was made for the lifetime
        // Each cycle once, numbered 1, 2, 3 ...; its total never below it, never falling, set again at most once.
        Matcher cycles = Pattern.compile("keep-fresh: cycle (\\d+) of (\\d+):").matcher(result.err());
        List<Integer> numbers = new ArrayList<>();
        List<Integer> totals = new ArrayList<>();
        while (cycles.find()) {
            numbers.add(Integer.parseInt(cycles.group(1)));
            totals.add(Integer.parseInt(cycles.group(2)));
        }
        assertThat(numbers).as(result.err()).isNotEmpty()
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, numbers.size()).boxed().toList());
        assertThat(totals).as(result.err()).isSorted();
        assertThat(new java.util.HashSet<>(totals)).as(result.err()).hasSizeLessThanOrEqualTo(2);
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as(result.err()).isLessThanOrEqualTo(totals.get(i));
        }
        assertThat(sandbox.stats().errors("AssumeRole")).doesNotContainKey("ExpiredToken");
        // Only a call the lifetime's end overtook (its credentials ended with the lifetime) may have met one.
        assertThat(sandbox.stats().errors("GetCallerIdentity").getOrDefault("ExpiredToken", 0L))
                .as("GetCallerIdentity answered ExpiredToken; the last call overtaken by the lifetime's end: %s",
                        overtaken)
                .isLessThanOrEqualTo(overtaken ? 1L : 0L);
        assertThat(sandbox.stats().ok("AssumeRole")).isGreaterThanOrEqualTo(5 * 3);
        String file = Files.readString(fleet.credentials());
        assertThat(file).startsWith("# my keys\n[alice]\n").contains("[sts-ops4]").contains("x_stsfleet_expiration = ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.credentials())))
                .isEqualTo("rw-------");
    }

    /** Polls (bounded) until keep-fresh wrote its first sections; returns the file then. */
    static String awaitSections(Path file, int count, Future<?> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !run.isDone()) {
            String text = Files.readString(file);
            if (text.split("x_stsfleet_expiration", -1).length - 1 >= count) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("keep-fresh wrote no sections; done: " + run.isDone()
                + (run.isDone() ? ", " + run.get() : ""));
    }
}
