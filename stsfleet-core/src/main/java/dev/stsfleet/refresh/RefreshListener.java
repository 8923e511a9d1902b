package dev.stsfleet.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Receives a {@link Refresher}'s events. Every method has an empty default, so a listener overrides
 * only what it needs. Methods are called on the refresher's own threads, possibly at the same time
 * for different keys: they must be thread-safe and quick. An exception thrown by a listener is logged
 * and ignored; it never stops the refresher.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface RefreshListener<K, V> {
    /** A key got a new value. */
    default void onRefreshed(K key, Snapshot<V> snapshot) {
    }

    /**
     * A refresh failed; the old value is still served while it is usable.
     *
     * @param attempt     failed attempts in a row for this key, from 1
     * @param nextAttempt when the next attempt is scheduled; empty for a non-recoverable failure or when
     *                    no attempt fits before the end of the lifetime
     */
    default void onRefreshFailed(K key, Throwable cause, int attempt, Optional<Instant> nextAttempt) {
    }

    /** A key's value expired without a successful refresh; readers now see it marked expired. */
    default void onExpired(K key, Snapshot<V> last) {
    }

    /** The lifetime ends in {@code left}; fired once per end (again after {@link Refresher#extend}). */
    default void onSessionEnding(Instant end, Duration left) {
    }

    /**
     * Refresh cycle {@code cycle} is complete: every key was refreshed that many times or has nothing
     * left to do. Fired once per cycle, on the scheduler thread.
     *
     * @param expected  the expected number of cycles in the lifetime (an estimate; 0 without an end)
     * @param refreshed the keys refreshed in this cycle
     * @param left      the time left in the lifetime; {@code null} without an end
     */
    default void onCycle(int cycle, int expected, int refreshed, Duration left) {
    }

    /** The lifetime has ended; the refresher has stopped refreshing. */
    default void onLifetimeEnded(Instant end) {
    }
}
