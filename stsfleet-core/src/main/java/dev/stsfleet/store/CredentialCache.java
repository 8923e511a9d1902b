package dev.stsfleet.store;

import dev.stsfleet.TemporaryCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The on-disk cache behind {@code credential-process}: role credentials per {@link Key}, one JSON file
 * each (mode 0600, written atomically) in {@code <state>/cache/credentials} (0700), handed out only
 * while more than {@link Builder#margin} of their life remains, by the injected clock. So repeated
 * {@code credential_process} calls cost no STS call, and the SDKs calling it never receive credentials
 * about to expire.
 *
 * <p>Unreadable or tampered entries are ignored (logged by file name only) and replaced by the next store.
 * {@link #getOrLoad} holds a cross-process lock per entry, so twenty simultaneous invocations for one
 * profile make one load. Thread-safe. Holds no resources: nothing to close.
 */
public final class CredentialCache {
    static final String SUBDIRECTORY = "cache/credentials";

    private final JsonFileCache<TemporaryCredentials> files;

    private CredentialCache(Builder b) {
        this.files = new JsonFileCache<>(b.stateDirectoryOrDefault(),
                SUBDIRECTORY, "credential",
                JsonFileCache.codec(JsonFileCache::encodeCredentials, JsonFileCache::decodeCredentials,
                        java.util.function.Function.identity()),
                b.clock, b.margin, 1.0, b.lockTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a cache entry is for: the profile plus the inputs that change which credentials it gets. A
     * changed role ARN, source or external id therefore misses the old entry instead of serving the old
     * role's credentials.
     *
     * @param profile    the role profile's name
     * @param roleArn    its {@code role_arn}
     * @param source     where its base credentials come from ({@code source_profile}, or a description of
     *                   {@code credential_source}), or {@code null}
     * @param externalId its {@code external_id}, or {@code null}
     */
    public record Key(String profile, String roleArn, String source, String externalId) {
        public Key {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(roleArn, "roleArn");
        }

        /** A safe file name: the profile's readable part plus a hash of every component. */
        public String fileName() {
            return CacheKeys.of(profile, roleArn, source, externalId);
        }
    }

    /** The cached credentials for {@code key}, if more than the margin remains. */
    /**
     * An entry as stored, for listing.
     *
     * @param profile     the profile's name as its file name keeps it (unsafe characters replaced by {@code _})
     * @param credentials the cached credentials, possibly expired
     */
    public record Stored(String profile, TemporaryCredentials credentials) {
        @Override
        public String toString() {
            return "Stored[" + profile + ", " + credentials + "]";
        }
    }

    /** Every stored entry, expired ones included. */
    public java.util.List<Stored> entries() {
        return files.list().stream().map(e -> new Stored(profileOf(e.key()), e.value())).toList();
    }

    /** Deletes the expired entries; returns how many. */
    public int prune() {
        return files.prune().size();
    }

    /**
     * Deletes the entries of {@code profiles}, live or expired ({@code null}: every entry); returns how many.
     * Names that a file name keeps alike (see {@link Stored#profile()}) are deleted together.
     */
    public int clear(java.util.Collection<String> profiles) {
        java.util.Set<String> names = profiles == null ? null
                : profiles.stream().map(CacheKeys::readable).collect(java.util.stream.Collectors.toSet());
        return files.remove(e -> names == null || names.contains(profileOf(e.key()))).size();
    }

    /** The profile an entry's file name begins with (see {@link Key#fileName()}). */
    private static String profileOf(String fileKey) {
        return fileKey.replaceFirst("-[0-9a-f]{16}$", "");
    }

    public Optional<TemporaryCredentials> get(Key key) {
        return files.get(key.fileName());
    }

    /** Stores {@code credentials} for {@code key}, replacing any entry. */
    public void put(Key key, TemporaryCredentials credentials) {
        files.put(key.fileName(), Objects.requireNonNull(credentials, "credentials"));
    }

    /** Forgets {@code key}'s entry (e.g. after the credentials were rejected). */
    public void invalidate(Key key) {
        files.invalidate(key.fileName());
    }

    /**
     * The cached credentials, or else {@code loader}'s, stored. Concurrent callers for one key, in any
     * process, wait for a single load. The loader's exceptions pass through and store nothing.
     *
     * @throws LockTimeoutException if another caller holds the entry longer than the lock timeout
     */
    public TemporaryCredentials getOrLoad(Key key, Supplier<TemporaryCredentials> loader) {
        return files.getOrLoad(key.fileName(), loader);
    }

    /** The file that holds {@code key}'s entry. */
    public Path fileOf(Key key) {
        return files.fileOf(key.fileName());
    }

    @Override
    public String toString() {
        return "CredentialCache[" + files.directory() + "]";
    }

    /** Builds a {@link CredentialCache}. Not thread-safe. Default lock timeout: 60 seconds. */
    public static final class Builder extends CacheBuilder<Builder> {
        private Builder() {
            super(Duration.ofSeconds(60));
        }

        public CredentialCache build() {
            return new CredentialCache(this);
        }
    }
}
