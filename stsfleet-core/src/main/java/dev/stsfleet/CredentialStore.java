package dev.stsfleet;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ONE place where a fleet keeps the newest credentials of each role profile. Bulk calls (and later
 * the refresher) write here; readers ({@link StsFleet#credentialsProvider(String)},
 * {@link StsFleet#currentCredentials()}) take a lock-free snapshot. Thread-safe.
 */
final class CredentialStore {
    private final ConcurrentHashMap<String, RoleCredentials> newest = new ConcurrentHashMap<>();

    /** Keeps {@code credentials} unless the store already holds a set for the profile that lasts longer. */
    void offer(RoleCredentials credentials) {
        newest.merge(credentials.profile(), credentials, (old, fresh) ->
                fresh.credentials().expiration().isBefore(old.credentials().expiration()) ? old : fresh);
    }

    Optional<RoleCredentials> get(String profile) {
        return Optional.ofNullable(newest.get(profile));
    }

    /** Every profile's newest set, keyed {@code sts-<profile>}, sorted by key. */
    Map<String, RoleCredentials> snapshot() {
        Map<String, RoleCredentials> out = new TreeMap<>();
        newest.values().forEach(c -> out.put(c.key(), c));
        return Collections.unmodifiableMap(out);
    }
}
