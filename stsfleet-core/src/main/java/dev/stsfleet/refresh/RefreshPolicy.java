package dev.stsfleet.refresh;

import java.time.Instant;
import java.util.Objects;
import java.util.Random;

/**
 * Derives a value's advisory and mandatory refresh instants from its lifetime ({@code issued ->
 * expiry}), like the AWS SDK's {@code RefreshResult} prefetch and stale times. Implementations must be
 * thread-safe: a refresher calls them from its worker threads.
 */
@FunctionalInterface
public interface RefreshPolicy {

    /**
     * The two refresh instants of one value.
     *
     * @param advisory  from here on a background refresh is attempted
     * @param mandatory from here on the value is not handed out; not before {@code advisory}
     */
    record Times(Instant advisory, Instant mandatory) {
        public Times {
            Objects.requireNonNull(advisory, "advisory");
            Objects.requireNonNull(mandatory, "mandatory");
            if (mandatory.isBefore(advisory)) {
                throw new IllegalArgumentException("mandatory " + mandatory + " is before advisory " + advisory);
            }
        }
    }

    /** The refresh instants of a value issued at {@code issued} that expires at {@code expiry}. */
    Times times(Instant issued, Instant expiry);

    /**
     * The standard policy with an unseeded jitter source. For an hour-long value: the advisory refresh
     * 9 to 14 minutes before expiry (jittered), the mandatory one 2 minutes before. For short values the
     * margins shrink in proportion: advisory at 70-85 % of the lifetime, mandatory at 95 %.
     */
    static RefreshPolicy standard() {
        return Freshness.standard();
    }

    /** {@link #standard()} with the given jitter source (seed it for reproducible tests). */
    static RefreshPolicy standard(Random jitter) {
        return Freshness.standard(jitter);
    }

    /** A snapshot of {@code value} with this policy's instants, validated to lie within its lifetime. */
    default <V> Snapshot<V> snapshot(Expiring<V> value) {
        Times times = Objects.requireNonNull(times(value.issued(), value.expiry()), "policy returned null");
        return new Snapshot<>(value.value(), value.issued(), value.expiry(), times.advisory(), times.mandatory(),
                false);
    }
}
