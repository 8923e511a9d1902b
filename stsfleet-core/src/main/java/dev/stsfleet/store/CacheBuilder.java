package dev.stsfleet.store;

import dev.stsfleet.refresh.Freshness;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every on-disk credential cache is built with ({@link CredentialCache}, {@link SessionTokenCache}):
 * where it lives, its clock, its freshness margin and how long a caller waits for another's load. Not
 * thread-safe.
 *
 * @param <B> the cache's own builder
 */
public abstract class CacheBuilder<B extends CacheBuilder<B>> {
    StateDirectory stateDirectory;
    Clock clock = Clock.systemUTC();
    Duration margin = Freshness.CACHE_MARGIN;
    Duration lockTimeout;

    CacheBuilder(Duration defaultLockTimeout) {
        this.lockTimeout = defaultLockTimeout;
    }

    /** Where the cache lives. Default: {@link StateDirectory#open()} ({@code $STSFLEET_HOME} or {@code ~/.stsfleet}). */
    public B stateDirectory(StateDirectory stateDirectory) {
        this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
        return self();
    }

    /** The clock that decides how much life an entry has left. Default: the system clock (UTC). */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /** An entry is served only while more than this remains. Default: 15 minutes. */
    public B margin(Duration margin) {
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin must not be negative");
        }
        this.margin = margin;
        return self();
    }

    /** How long a caller waits for another caller's load of the same entry (see each cache's default). */
    public B lockTimeout(Duration lockTimeout) {
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException("lockTimeout must not be negative");
        }
        this.lockTimeout = lockTimeout;
        return self();
    }

    /** The state directory given, else the default one. */
    StateDirectory stateDirectoryOrDefault() {
        return stateDirectory != null ? stateDirectory : StateDirectory.open();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
