package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallLimitsTest {
    @Test
    void defaults_areTwoSecondsToConnect_andThirtyForACall() {
        assertThat(CallLimits.DEFAULT).isEqualTo(new CallLimits(Duration.ofSeconds(2), Duration.ofSeconds(30)));
    }

    @Test
    void with_replacesOneDeadline_andKeepsTheOther() {
        CallLimits limits = CallLimits.DEFAULT.withConnectTimeout(Duration.ofSeconds(1)).withCallTimeout(Duration.ofSeconds(5));

        assertThat(limits.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limits.callTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aZeroOrNegativeDeadline_isRefused() {
        assertThatThrownBy(() -> CallLimits.DEFAULT.withConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> CallLimits.DEFAULT.withCallTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callTimeout");
        assertThatThrownBy(() -> new CallLimits(null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theFleet_keepsTheLimitsItWasGiven_andCallTimeoutAloneKeepsTheConnectDefault(@TempDir Path dir)
            throws Exception {
        Path config = Files.writeString(dir.resolve("config"), "[default]\nregion = eu-west-1\n");
        Path credentials = Files.writeString(dir.resolve("credentials"), "");
        CallLimits limits = new CallLimits(Duration.ofSeconds(1), Duration.ofSeconds(7));
        try (dev.stsfleet.StsFleet fleet = dev.stsfleet.StsFleet.builder().environment(java.util.Map.of())
                .configFile(config)
                .credentialsFile(credentials).callLimits(limits).build()) {
            assertThat(fleet.callLimits()).isEqualTo(limits);
        }
        try (dev.stsfleet.StsFleet fleet = dev.stsfleet.StsFleet.builder().environment(java.util.Map.of())
                .configFile(config)
                .credentialsFile(credentials)
                .callTimeout(Duration.ofSeconds(9)).build()) {
            assertThat(fleet.callLimits()).isEqualTo(new CallLimits(Duration.ofSeconds(2), Duration.ofSeconds(9)));
        }
    }
}
