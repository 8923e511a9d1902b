package dev.stsfleet.provider;

import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.refresh.RefreshPolicy;
import dev.stsfleet.RoleCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The session providers' credential cache, in one place: per key, credentials are reused until half
 * their lifetime has passed, then loaded again. Readers of a fresh entry take no lock; concurrent callers
 * for one stale key share a single load (one STS call). Failed loads are not cached. Thread-safe.
 *
 * @param <K> the key, e.g. (account, role)
 */
public final class HalfLifeCache<K> {
    /** The one freshness rule, set to renew after half the lifetime (the awsrun session providers' habit). */
    private static final RefreshPolicy HALF_LIFE = Freshness.halfLife();
    private final Clock clock;
    private final ConcurrentMap<K, Slot> slots = new ConcurrentHashMap<>();

    private record Entry(RoleCredentials credentials, Instant renewAt) {
    }

    private static final class Slot {
        volatile Entry entry;
    }

    /** @param clock decides when half the lifetime has passed */
    public HalfLifeCache(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The cached credentials of {@code key} while fresh, else {@code load}'s, which are then cached. */
    public RoleCredentials get(K key, Supplier<RoleCredentials> load) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        Entry entry = slot.entry;
        if (fresh(entry)) {
            return entry.credentials();
        }
        synchronized (slot) {
            entry = slot.entry;
            if (fresh(entry)) {
                return entry.credentials();
            }
            RoleCredentials loaded = load.get();
            Instant issued = clock.instant();
            Instant renewAt = HALF_LIFE.times(issued, loaded.credentials().expiration()).mandatory();
            slot.entry = new Entry(loaded, renewAt);
            return loaded;
        }
    }

    public int size() {
        return slots.size();
    }

    public void clear() {
        slots.clear();
    }

    private boolean fresh(Entry entry) {
        return entry != null && clock.instant().isBefore(entry.renewAt());
    }

    @Override
    public String toString() {
        return "HalfLifeCache[entries=" + slots.size() + "]";
    }
}
