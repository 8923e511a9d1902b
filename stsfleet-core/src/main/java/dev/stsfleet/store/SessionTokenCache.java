package dev.stsfleet.store;

import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.SessionToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The on-disk cache of MFA session tokens, per source profile and MFA device, so that one command's MFA
 * session ({@code session-token}, {@code generate}, an earlier prompt) serves later ones
 * ({@code credential-process}) without a new code until it ends. One JSON file per entry (mode 0600,
 * written atomically) in {@code <state>/cache/session-tokens} (0700), served only while more than
 * {@link Builder#margin} remains, by the injected clock.
 *
 * <p>Unreadable or tampered entries are ignored (logged by file name only) and replaced by the next store.
 * {@link #getOrLoad} holds a cross-process lock per entry, so concurrent callers make one
 * GetSessionToken (and prompt once). Thread-safe. Holds no resources: nothing to close.
 */
public final class SessionTokenCache {
    static final String SUBDIRECTORY = "cache/session-tokens";

    private final JsonFileCache<SessionToken> files;
    private final Duration margin;

    private SessionTokenCache(Builder b) {
        this.margin = b.margin;
        this.files = new JsonFileCache<>(b.stateDirectoryOrDefault(),
                SUBDIRECTORY, "session token",
                JsonFileCache.codec(SessionTokenCache::encode, SessionTokenCache::decode, SessionToken::credentials),
                b.clock, b.margin, Freshness.SESSION_SHARE, b.lockTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cached token of {@code sourceProfile} made with {@code mfaSerial} ({@code null}: without MFA) in
     * {@code scope} (what else tells sessions apart: the STS endpoint and the source's access key id, so a
     * session of another endpoint or of rotated keys is never served).
     */
    public Optional<SessionToken> get(String sourceProfile, String mfaSerial, String scope) {
        return files.get(key(sourceProfile, mfaSerial, scope));
    }

    /** Stores {@code token} under its source profile, MFA serial and {@code scope}, replacing any entry. */
    public void put(SessionToken token, String scope) {
        files.put(key(token.sourceProfile(), token.mfaSerial(), scope), token);
    }

    public void invalidate(String sourceProfile, String mfaSerial, String scope) {
        files.invalidate(key(sourceProfile, mfaSerial, scope));
    }

    /** The margin: an entry is served only while more than this remains. */
    public Duration margin() {
        return margin;
    }

    /**
     * The cached token, or else {@code loader}'s, stored. The loader must return a token for the same
     * source profile and MFA serial. Concurrent callers, in any process, wait for a single load.
     *
     * @throws LockTimeoutException if another caller holds the entry longer than the lock timeout
     */
    public SessionToken getOrLoad(String sourceProfile, String mfaSerial, String scope, Supplier<SessionToken> loader) {
        return files.getOrLoad(key(sourceProfile, mfaSerial, scope), () -> {
            SessionToken token = loader.get();
            if (!token.sourceProfile().equals(sourceProfile) || !Objects.equals(token.mfaSerial(), mfaSerial)) {
                throw new IllegalArgumentException("the loader returned a session token of another profile or MFA device");
            }
            return token;
        });
    }

    /** Every stored session, expired ones included, for listing (never served from here). */
    public java.util.List<SessionToken> entries() {
        return files.list().stream().map(JsonFileCache.Listed::value).toList();
    }

    /** Deletes the expired sessions; returns how many. */
    public int prune() {
        return files.prune().size();
    }

    /** Deletes the sessions of {@code sourceProfiles}, live or expired ({@code null}: every one); returns how many. */
    public int clear(java.util.Collection<String> sourceProfiles) {
        return files.remove(e -> sourceProfiles == null || sourceProfiles.contains(e.value().sourceProfile())).size();
    }

    /** The file that holds an entry. */
    public Path fileOf(String sourceProfile, String mfaSerial, String scope) {
        return files.fileOf(key(sourceProfile, mfaSerial, scope));
    }

    private static String key(String sourceProfile, String mfaSerial, String scope) {
        Objects.requireNonNull(sourceProfile, "sourceProfile");
        return CacheKeys.of(sourceProfile, mfaSerial, scope);
    }

    private static void encode(SessionToken token, java.util.Map<String, String> into) {
        into.put("sourceProfile", token.sourceProfile());
        if (token.mfaSerial() != null) {
            into.put("mfaSerial", token.mfaSerial());
        }
        JsonFileCache.encodeCredentials(token.credentials(), into);
    }

    private static SessionToken decode(java.util.Map<String, String> fields) {
        return new SessionToken(JsonFileCache.decodeCredentials(fields), JsonFileCache.text(fields, "sourceProfile"),
                fields.get("mfaSerial"));
    }

    @Override
    public String toString() {
        return "SessionTokenCache[" + files.directory() + "]";
    }

    /**
     * Builds a {@link SessionTokenCache}. Not thread-safe. Default lock timeout: 5 minutes (the load waited for may
     * be a person typing an MFA code).
     */
    public static final class Builder extends CacheBuilder<Builder> {
        private Builder() {
            super(Duration.ofMinutes(5));
        }

        public SessionTokenCache build() {
            return new SessionTokenCache(this);
        }
    }
}
