package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand roles kept fresh for a scaled three hours in real time, against a sandbox that throttles at
 * 100 requests a second. Scale 0.02: a role session lasts 72 s and the session 216 s, so the test runs
 * about four minutes (at 0.01 a 2-core machine shared with other builds could not keep up: the refresh
 * rate needed, 1000 roles per 28 s, was more than the CPU left for sandbox and client). Tagged "scale": it runs
 * with {@code bin/test -Pscale}, not in every build (the whole suite must stay within minutes).
 */
@Tag("scale")
class FleetScaleRefreshTest {
    private static final String USER_ARN = "arn:aws:iam::111111111111:user/alice";
    private static final String ACCESS_KEY = "AKIASCALEREFRESH0001";
    private static final String SECRET = "scaleRefreshSecretKey/doNotUseInAws+0001";
    private static final int ROLES = 1000;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void thousandRoles_forThreeScaledHours_underThrottling_loseNoRole_andGrowNoThreads() throws Exception {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, ACCESS_KEY, SECRET, null, null));
        StringBuilder config = new StringBuilder("[profile alice]\naws_access_key_id = " + ACCESS_KEY
                + "\naws_secret_access_key = " + SECRET + "\n\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ROLES; i++) {
            String arn = "arn:aws:iam::2" + String.format("%011d", i % 50) + ":role/role-" + i;
            model.role(new SandboxModel.Role(arn, List.of("arn:aws:iam::111111111111:root"), false, null, 3600));
            names.add("r" + i);
            config.append("[profile r").append(i).append("]\nrole_arn = ").append(arn)
                    .append("\nsource_profile = alice\n\n");
        }
        Files.writeString(dir.resolve("config"), config.toString());
        Files.writeString(dir.resolve("credentials"), "");

        Map<Integer, Set<String>> threadsAfterCycle = new ConcurrentHashMap<>();
        Set<String> expired = ConcurrentHashMap.newKeySet();
        CountDownLatch ended = new CountDownLatch(1);
        FleetListener listener = new FleetListener() {
            @Override
            public void onCycle(int cycle, int expected, int refreshed, Duration left) {
                threadsAfterCycle.put(cycle, liveThreadsOfTheProcess());
            }

            @Override
            public void onExpired(String profile, RoleCredentials last) {
                expired.add(profile);
            }

            @Override
            public void onLifetimeEnded(java.time.Instant end) {
                ended.countDown();
            }
        };
        try (StsSandbox sandbox = sts.start(b -> b.model(model.build()).durationScale(0.02).throttleRps(100));
             // 80 refreshes a second leaves the throttled sandbox room for the gateway's retries.
             StsFleet fleet = StsFleet.builder().configFile(dir.resolve("config"))
                     .credentialsFile(dir.resolve("credentials"))
                     .endpoint(sandbox.endpoint()).environment(Map.of()).refreshRate(80).listener(listener).build()) {
            fleet.sessionToken(Duration.ofHours(3), null, null);
            FleetResult first = fleet.generateCredentials(names);
            assertThat(first.succeeded()).isEqualTo(ROLES);

            assertThat(ended.await(400, TimeUnit.SECONDS)).as("the lifetime ended").isTrue();

            assertThat(expired).as("roles lost").isEmpty();
            assertThat(fleet.currentCredentials()).hasSize(ROLES);
            assertThat(sandbox.stats().errors("AssumeRole")).doesNotContainKey("ExpiredToken");
            // Whether the sandbox actually answered Throttling depends on how fast this machine is today; the
            // limit is there either way, and the refresh rate (80/s) keeps under it.
            assertThat(threadsAfterCycle).containsKeys(1, 3);
            Set<String> afterFirst = threadsAfterCycle.get(1);
            Set<String> afterThird = threadsAfterCycle.get(3);
            assertThat(afterThird.size()).as("live threads after cycle 3 vs 1: %s vs %s", afterThird, afterFirst)
                    .isLessThanOrEqualTo(afterFirst.size());
            assertThat(afterThird).as("no new thread after the first cycle").isSubsetOf(afterFirst);
            assertThat(refreshThreads(afterThird)).isEqualTo(refreshThreads(afterFirst));
        }
        assertThat(FleetRefreshTest.liveThreads("stsfleet-")).isEmpty();
    }

    /** Every live thread but the in-process sandbox's (its pool grows and shrinks with the test's load). */
    private static Set<String> liveThreadsOfTheProcess() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> !n.startsWith("sts-sandbox-")).collect(Collectors.toSet());
    }

    private static Set<String> refreshThreads(Set<String> names) {
        return names.stream().filter(n -> n.startsWith("stsfleet-refresh-")).collect(Collectors.toSet());
    }
}
