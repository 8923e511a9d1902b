package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AIMD against the real sandbox's token bucket: the same bulk run, far above the rate limit, with and
 * without it. Counts, not times: the sandbox's counters say how many answers were {@code Throttling}.
 */
class SandboxThrottleControlTest {
    private static final String USER_ARN = "arn:aws:iam::111111111111:user/alice";
    private static final String ACCESS_KEY = "AKIASANDBOXAIMD00001";
    private static final String SECRET = "sandboxAimdSecretKey/doNotUseInAws+00001";
    private static final int ROLES = 400;
    /** 100 requests a second at 50 ms: about 5 calls in flight fit, and 32 workers are far above that. */
    private static final double RPS = 100;
    private static final Duration LATENCY = Duration.ofMillis(50);

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    private List<String> writeProfiles(SandboxModel.Builder model) throws IOException {
        StringBuilder config = new StringBuilder("[profile alice]\naws_access_key_id = " + ACCESS_KEY
                + "\naws_secret_access_key = " + SECRET + "\n\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ROLES; i++) {
            String arn = "arn:aws:iam::2222222222" + String.format("%02d", i % 10) + ":role/role-" + i;
            model.role(new SandboxModel.Role(arn, List.of("arn:aws:iam::111111111111:root"), false, null, 3600));
            names.add("r" + i);
            config.append("[profile r").append(i).append("]\nrole_arn = ").append(arn)
                    .append("\nsource_profile = alice\n\n");
        }
        Files.writeString(dir.resolve("config"), config.toString());
        Files.writeString(dir.resolve("credentials"), "");
        return names;
    }

    /** The Throttling answers to a bulk run of every role with 32 workers, on a fresh sandbox. */
    private long throttlesOf(ThrottleControl control, SandboxModel model, List<String> names) {
        try (StsSandbox sandbox = sts.start(b -> b.model(model).throttleRps(RPS).latency(LATENCY));
             StsFleet fleet = StsFleet.builder().configFile(dir.resolve("config"))
                     .credentialsFile(dir.resolve("credentials"))
                     .endpoint(sandbox.endpoint()).environment(Map.of())
                     .concurrency(32).throttleControl(control).build()) {
            FleetResult result = fleet.generateCredentials(names);

            assertThat(result.failures()).as("failures with %s", control).isEmpty();
            assertThat(result.succeeded()).isEqualTo(ROLES);
            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ROLES);
            return sandbox.stats().errors("AssumeRole").getOrDefault("Throttling", 0L);
        }
    }

    @Test
    void aimd_farAboveTheRateLimit_getsEveryRole_withFarFewerThrottlesThanOff() throws IOException {
        SandboxModel.Builder builder = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, ACCESS_KEY, SECRET, null, null));
        List<String> names = writeProfiles(builder);
        SandboxModel model = builder.build();

        long off = throttlesOf(ThrottleControl.OFF, model, names);
        long aimd = throttlesOf(ThrottleControl.AIMD, model, names);

        System.out.printf("Throttling answers for %d roles at %.0f rps, 32 workers: off %d, aimd %d%n", ROLES, RPS,
                off, aimd);
        // Without control 32 workers meet an empty bucket again and again; AIMD comes down to what fits
        // within a few round trips and stays near it. Measured on a shared 2-core machine: off 116-159,
        // aimd 50-52 (most of them in the first round trips, coming down from 32). Asserted: under two thirds.
        assertThat(off).isGreaterThan(60);
        assertThat(aimd * 3).isLessThan(off * 2);
    }
}
