package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.sandbox.junit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

class DurationScaleTest {
    private final TestClock clock = new TestClock();

    @Test
    void scaledHour_lasts36Seconds_andExpirationSaysSo() {
        try (StsSandbox sandbox = StsSandbox.builder().clock(clock).durationScale(0.01).start();
             StsClient alice = Sdk.alice(sandbox)) {
            Credentials c = alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1").externalId(AUDIT_EXTERNAL_ID)
                    .durationSeconds(3600)).credentials();
            assertThat(c.expiration()).isEqualTo(clock.instant().plusSeconds(36));
            try (StsClient role = Sdk.client(sandbox, c)) {
                clock.advance(Duration.ofSeconds(35));
                assertThat(role.getCallerIdentity().account()).isEqualTo("444444444444");
                clock.advance(Duration.ofSeconds(1));
                error(role::getCallerIdentity, "ExpiredToken", 403);
            }
        }
    }

    @Test
    void scaledSandbox_stillValidatesRequestedDurationsUnscaled() {
        try (StsSandbox sandbox = StsSandbox.builder().clock(clock).durationScale(0.01).start();
             StsClient alice = Sdk.alice(sandbox)) {
            assertThat(alice.getSessionToken(r -> r.durationSeconds(900)).credentials().expiration())
                    .isEqualTo(clock.instant().plusSeconds(9));
            error(() -> alice.getSessionToken(r -> r.durationSeconds(899)), "ValidationError", 400);
            error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1").externalId(AUDIT_EXTERNAL_ID)
                    .durationSeconds(3601)), "ValidationError", 400);
        }
    }

    @Test
    void durationScale_outsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> StsSandbox.builder().durationScale(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsSandbox.builder().durationScale(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsSandbox.builder().errorRate(1.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsSandbox.builder().throttleRps(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsSandbox.builder().latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
