package dev.stsfleet.refresh;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One key's state inside a {@link Refresher}. Readers touch only the volatile {@link #snapshot}; the
 * scheduling fields are guarded by the entry's own monitor, which is never held while a refresh
 * function or a listener runs.
 */
final class Entry<K, V> {
    final K key;
    volatile Snapshot<V> snapshot;
    volatile RefreshFunction<K, V> function;

    // Guarded by this.
    boolean inFlight;
    /** Set by refreshNow() or extend(): attempt at once, whatever the instants say. */
    boolean forced;
    /** No automatic attempts: a non-recoverable failure, or no retry fits before the end. */
    boolean stopped;
    /** Backoff: the next attempt after a failure, replacing the advisory instant. */
    Instant retryAt;
    int failures;
    boolean expiredNotified;
    /** Successful refreshes, counted from the cycle that was complete when the key was registered. */
    int generation;
    /** The single flight's future, shared by every caller of refreshNow() while it is pending. */
    CompletableFuture<Snapshot<V>> pending;

    Entry(K key, Snapshot<V> snapshot, RefreshFunction<K, V> function, int generation) {
        this.key = key;
        this.snapshot = snapshot;
        this.function = function;
        this.generation = generation;
    }
}
