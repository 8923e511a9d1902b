package dev.stsfleet.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {
    private static final Instant ISSUED = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void hourLongValue_advisoryAtLeastFiveMinutesAhead_mandatoryTwoMinutesAhead() {
        RefreshPolicy policy = RefreshPolicy.standard(new Random(7));
        Instant expiry = ISSUED.plus(Duration.ofHours(1));
        for (int i = 0; i < 1000; i++) {
            RefreshPolicy.Times times = policy.times(ISSUED, expiry);
            assertThat(Duration.between(times.advisory(), expiry))
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(9))
                    .isLessThanOrEqualTo(Duration.ofMinutes(14));
            assertThat(times.mandatory()).isEqualTo(expiry.minus(Duration.ofMinutes(2)));
        }
    }

    @Test
    void scaledShortValue_refreshesAtSeventyToEightyFivePercent_mandatoryAtNinetyFive() {
        RefreshPolicy policy = RefreshPolicy.standard(new Random(7));
        Duration life = Duration.ofSeconds(36);
        Instant expiry = ISSUED.plus(life);
        for (int i = 0; i < 1000; i++) {
            RefreshPolicy.Times times = policy.times(ISSUED, expiry);
            double advisoryShare = share(times.advisory(), life);
            assertThat(advisoryShare).isBetween(0.70, 0.85);
            assertThat(share(times.mandatory(), life)).isCloseTo(0.95, org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void jitter_spreadsValuesIssuedTogether_overMinutes() {
        RefreshPolicy policy = RefreshPolicy.standard(new Random(11));
        Instant expiry = ISSUED.plus(Duration.ofHours(1));
        Set<Long> seconds = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seconds.add(policy.times(ISSUED, expiry).advisory().getEpochSecond());
        }
        // 1,000 values over a five-minute window: most seconds of it are used, none by everyone.
        assertThat(seconds).hasSizeGreaterThan(250);
    }

    @Test
    void sameSeed_givesSameInstants() {
        Instant expiry = ISSUED.plus(Duration.ofHours(1));
        assertThat(RefreshPolicy.standard(new Random(3)).times(ISSUED, expiry))
                .isEqualTo(RefreshPolicy.standard(new Random(3)).times(ISSUED, expiry));
    }

    @Test
    void customPolicy_outsideTheLifetime_isRejected() {
        RefreshPolicy broken = (issued, expiry) -> new RefreshPolicy.Times(expiry.plusSeconds(1), expiry.plusSeconds(2));
        Expiring<String> value = new Expiring<>("v", ISSUED, ISSUED.plusSeconds(60));
        assertThatThrownBy(() -> broken.snapshot(value)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double share(Instant instant, Duration life) {
        return (double) Duration.between(ISSUED, instant).toMillis() / life.toMillis();
    }
}
