package dev.stsfleet.cli.option;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.StsFleet;
import org.junit.jupiter.api.Test;

class ConcurrencyOptionsTest {
    @Test
    void defaultThrottleControl_isTheFleetsDefault() {
        assertThat(ConcurrencyOptions.Throttle.valueOf(ConcurrencyOptions.DEFAULT_THROTTLE).control())
                .isEqualTo(StsFleet.DEFAULT_THROTTLE_CONTROL);
    }
}
