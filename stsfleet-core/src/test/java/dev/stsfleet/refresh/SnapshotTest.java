package dev.stsfleet.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @Test
    void state_isFreshThenStaleThenExpired() {
        Snapshot<String> snapshot = new Snapshot<>("v", T0, T0.plusSeconds(100), T0.plusSeconds(80),
                T0.plusSeconds(95), false);
        assertThat(snapshot.state(T0.plusSeconds(79))).isEqualTo(Snapshot.State.FRESH);
        assertThat(snapshot.state(T0.plusSeconds(80))).isEqualTo(Snapshot.State.STALE);
        assertThat(snapshot.state(T0.plusSeconds(95))).isEqualTo(Snapshot.State.EXPIRED);
        assertThat(snapshot.usable(T0.plusSeconds(94))).isTrue();
        assertThat(snapshot.markedExpired().state(T0)).isEqualTo(Snapshot.State.EXPIRED);
    }

    @Test
    void instantsOutOfOrder_areRejected() {
        assertThatThrownBy(() -> new Snapshot<>("v", T0, T0.plusSeconds(100), T0.plusSeconds(96),
                T0.plusSeconds(95), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Expiring<>("v", T0, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_neverShowsTheValue() {
        Secret value = new Secret(SECRET);
        Expiring<Secret> expiring = new Expiring<>(value, T0, T0.plusSeconds(3600));
        Snapshot<Secret> snapshot = RefreshPolicy.standard().snapshot(expiring);
        assertThat(expiring.toString()).doesNotContain(SECRET).contains("expiry=");
        assertThat(snapshot.toString()).doesNotContain(SECRET).contains("advisoryRefresh=");
    }

    /** A value that, unlike our credential types, would print its secret. */
    record Secret(String key) {
    }
}
