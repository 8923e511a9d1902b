package dev.stsfleet.refresh;

/**
 * Obtains a new value for a key, e.g. by assuming a role. Called on a refresher worker thread, never
 * twice at once for the same key. It may block (a network call); it should give up when interrupted,
 * which is how {@link Refresher#close()} stops a refresh in flight.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface RefreshFunction<K, V> {
    /**
     * @return the new value with its lifetime, never {@code null}
     * @throws Exception when no value could be obtained; the refresher retries with backoff unless
     *                   its non-recoverable predicate matches
     */
    Expiring<V> refresh(K key) throws Exception;
}
