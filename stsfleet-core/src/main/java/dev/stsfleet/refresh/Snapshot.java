package dev.stsfleet.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What readers of a {@link Refresher} see for one key: the newest value with its expiry and the two
 * refresh instants a {@link RefreshPolicy} derived from its lifetime. Immutable; {@link #toString()}
 * shows the times only, never the value.
 *
 * <p>The states follow Google's auth library: {@link State#FRESH} before the advisory instant,
 * {@link State#STALE} from it (a background refresh is due, the value is still fine to use), and
 * {@link State#EXPIRED} from the mandatory instant on, or once the refresher marked the value expired:
 * such a value must not be handed out.
 *
 * @param value            the value
 * @param issued           when the value was issued
 * @param expiry           when the value expires
 * @param advisoryRefresh  from here on a background refresh is attempted
 * @param mandatoryRefresh from here on the value is not to be handed out
 * @param expired          whether the refresher saw the value expire without a successful refresh
 * @param <V>              the value's type
 */
public record Snapshot<V>(V value, Instant issued, Instant expiry, Instant advisoryRefresh,
                          Instant mandatoryRefresh, boolean expired) {

    /** How usable a snapshot is at a given instant. */
    public enum State {
        /** Before the advisory refresh instant. */
        FRESH,
        /** Between the advisory and the mandatory instant: still usable, a refresh is due. */
        STALE,
        /** From the mandatory instant on, or marked expired: not to be handed out. */
        EXPIRED
    }

    public Snapshot {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(issued, "issued");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(advisoryRefresh, "advisoryRefresh");
        Objects.requireNonNull(mandatoryRefresh, "mandatoryRefresh");
        if (advisoryRefresh.isBefore(issued) || mandatoryRefresh.isBefore(advisoryRefresh)
                || expiry.isBefore(mandatoryRefresh)) {
            throw new IllegalArgumentException("refresh instants out of order: issued " + issued + ", advisory "
                    + advisoryRefresh + ", mandatory " + mandatoryRefresh + ", expiry " + expiry);
        }
    }

    /** This snapshot's state at {@code now}. */
    public State state(Instant now) {
        if (expired || !now.isBefore(mandatoryRefresh)) {
            return State.EXPIRED;
        }
        return now.isBefore(advisoryRefresh) ? State.FRESH : State.STALE;
    }

    /** Whether the value may be handed out at {@code now}: its state is not {@link State#EXPIRED}. */
    public boolean usable(Instant now) {
        return state(now) != State.EXPIRED;
    }

    /** Time left before expiry at {@code now}; negative once expired. */
    public Duration remaining(Instant now) {
        return Duration.between(now, expiry);
    }

    Snapshot<V> markedExpired() {
        return new Snapshot<>(value, issued, expiry, advisoryRefresh, mandatoryRefresh, true);
    }

    @Override
    public String toString() {
        return "Snapshot[issued=" + issued + ", expiry=" + expiry + ", advisoryRefresh=" + advisoryRefresh
                + ", mandatoryRefresh=" + mandatoryRefresh + ", expired=" + expired + "]";
    }
}
