package dev.stsfleet.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A value with a lifetime: what a {@link RefreshFunction} returns. Immutable if the value is.
 * {@link #toString()} shows the times only, never the value, which is usually a secret.
 *
 * @param value  the value, e.g. temporary credentials
 * @param issued when the value was issued (for STS: the time of the response)
 * @param expiry when the value stops being usable; after {@code issued}
 * @param <V>    the value's type
 */
public record Expiring<V>(V value, Instant issued, Instant expiry) {
    public Expiring {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(issued, "issued");
        Objects.requireNonNull(expiry, "expiry");
        if (!expiry.isAfter(issued)) {
            throw new IllegalArgumentException("expiry " + expiry + " is not after issued " + issued);
        }
    }

    /** The whole lifetime, {@code issued -> expiry}. */
    public Duration lifetime() {
        return Duration.between(issued, expiry);
    }

    @Override
    public String toString() {
        return "Expiring[issued=" + issued + ", expiry=" + expiry + "]";
    }
}
