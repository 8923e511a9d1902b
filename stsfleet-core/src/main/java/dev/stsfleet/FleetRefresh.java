package dev.stsfleet;

import dev.stsfleet.format.Durations;
import dev.stsfleet.refresh.Expiring;
import dev.stsfleet.refresh.RefreshFunction;
import dev.stsfleet.refresh.RefreshListener;
import dev.stsfleet.refresh.RefreshPolicy;
import dev.stsfleet.refresh.Refresher;
import dev.stsfleet.refresh.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * A fleet's background refresh: one {@link Refresher} at a time, its lifetime end, and the store every
 * reader of the fleet reads. Started (or widened) by the fleet after a bulk call; stopped by {@link #close()}.
 * Thread-safe.
 */
final class FleetRefresh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRefresh.class);
    /**
     * Refresh failures no retry can mend: the role refuses us, or the session or the keys are gone (a restarted
     * STS forgot the session, the keys were deactivated); still-valid sets are served until they expire.
     */
    static final Set<String> FINAL_CODES = Set.of("AccessDenied", "ExpiredToken", "MfaRequired",
            "InvalidClientTokenId", "SignatureDoesNotMatch");

    private final Clock clock;
    private final RefreshPolicy policy;
    private final Duration sessionEndingNotice;
    private final int workers;
    private final double rate;
    private final FleetListener listener;
    private final CredentialStore store;
    private final RefreshFunction<String, RoleCredentials> refreshRole;
    private final Object lock = new Object();
    private volatile Refresher<String, RoleCredentials> refresher;
    private boolean closed;

    FleetRefresh(Clock clock, RefreshPolicy policy, Duration sessionEndingNotice, int workers, double rate,
                 FleetListener listener, CredentialStore store, RefreshFunction<String, RoleCredentials> refreshRole) {
        this.clock = clock;
        this.policy = policy;
        this.sessionEndingNotice = sessionEndingNotice;
        this.workers = workers;
        this.rate = rate;
        this.listener = listener;
        this.store = store;
        this.refreshRole = refreshRole;
    }

    /**
     * Keeps {@code generated} fresh until {@code end}: starts refresh, or widens the running one.
     *
     * @param all register every set, also those lasting past {@code end} (refreshed once the end is extended)
     */
    void keepFresh(Collection<RoleCredentials> generated, Instant end, boolean all) {
        List<RoleCredentials> shortLived = generated.stream()
                .filter(c -> all || c.credentials().expiration().isBefore(end))
                .toList();
        if (shortLived.isEmpty()) {
            LOG.debug("no background refresh: every role set lasts until {}", TemporaryCredentials.isoUtc(end));
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            Refresher<String, RoleCredentials> r = refresher;
            if (r == null || r.isStopped()) {
                r = newRefresher(end, shortLived.get(0).credentials());
                refresher = r;
            } else if (r.end().map(end::isAfter).orElse(false)) {
                r.extend(end);
            }
            for (RoleCredentials c : shortLived) {
                r.register(c.profile(), new Expiring<>(c, c.credentials().start(), c.credentials().expiration()),
                        refreshRole);
            }
            LOG.debug("refresh: keeping {} role sets fresh until {} ({} left)", r.currentAll().size(),
                    TemporaryCredentials.isoUtc(end), Durations.human(Duration.between(clock.instant(), end)));
        }
    }

    /** Pushes the running refresh's end out to {@code end}, if it ends earlier. */
    void extendTo(Instant end) {
        synchronized (lock) {
            Refresher<String, RoleCredentials> r = refresher;
            if (r != null && !r.isStopped() && r.end().map(end::isAfter).orElse(false)) {
                r.extend(end);
                LOG.debug("refresh extended until {}: {} role sets", TemporaryCredentials.isoUtc(end),
                        r.currentAll().size());
            }
        }
    }

    /**
     * The set to hand out for a profile: the newest one, unless it is past its mandatory instant, when a
     * refresh is forced and awaited (bounded) first; the old set is still returned if that fails.
     */
    Optional<RoleCredentials> freshest(String profile) {
        Refresher<String, RoleCredentials> r = refresher;
        if (r != null && !r.isStopped()) {
            Optional<Snapshot<RoleCredentials>> snap = r.current(profile);
            if (snap.isPresent() && !snap.get().expired() && !snap.get().usable(clock.instant())) {
                try {
                    r.refreshNow(profile).get(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    LOG.debug("profile {}: refresh at the mandatory instant failed: {}", profile,
                            e.getClass().getSimpleName());
                }
            }
        }
        return store.get(profile);
    }

    Refresher<String, RoleCredentials> refresher() {
        return refresher;
    }

    private Refresher<String, RoleCredentials> newRefresher(Instant end, TemporaryCredentials sample) {
        // Backoff in proportion to the sets' lifetime: 1 s to 30 s for an hour-long set, less for the
        // sandbox's scaled seconds-long sets, so that retries still fit before they expire.
        long lifeMillis = Math.max(1000, Duration.between(sample.start(), sample.expiration()).toMillis());
        Duration base = Duration.ofMillis(Math.max(10, Math.min(1000, lifeMillis / 100)));
        Duration cap = Duration.ofMillis(Math.max(base.toMillis(), Math.min(30_000, lifeMillis / 20)));
        return Refresher.<String, RoleCredentials>builder()
                .clock(clock)
                .policy(policy)
                .end(end)
                .sessionEndingNotice(sessionEndingNotice)
                .workers(workers)
                .rateLimit(rate)
                .backoff(BackoffStrategy.exponentialDelayHalfJitter(base, cap))
                .nonRecoverable(f -> f instanceof StsCallException e && FINAL_CODES.contains(e.code()))
                // A refresh blocked in a socket read ignores interrupts; close() then aborts it by
                // closing the STS client, so there is no point in waiting long here.
                .closeTimeout(Duration.ofSeconds(2))
                .listener(new Bookkeeping())
                .build();
    }

    /** Stops refresh (interrupting refreshes in flight). Idempotent. */
    @Override
    public void close() {
        Refresher<String, RoleCredentials> r;
        synchronized (lock) {
            closed = true;
            r = refresher;
        }
        if (r != null) {
            r.close();
        }
    }

    /** Waits for the refresh threads to end after {@link #close()}. */
    void awaitTermination() {
        Refresher<String, RoleCredentials> r = refresher;
        if (r == null) {
            return;
        }
        try {
            if (!r.awaitTermination(Duration.ofSeconds(10))) {
                LOG.warn("a refresh thread is still alive after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The fleet's own bookkeeping first (the store), then the user's listener. */
    private final class Bookkeeping implements RefreshListener<String, RoleCredentials> {
        @Override
        public void onRefreshed(String profile, Snapshot<RoleCredentials> snapshot) {
            store.offer(snapshot.value());
            listener.onRefreshed(snapshot.value());
        }

        @Override
        public void onRefreshFailed(String profile, Throwable cause, int attempt, Optional<Instant> nextAttempt) {
            StsCallException failure = cause instanceof StsCallException e ? e
                    : new StsCallException("ClientError", cause.getClass().getSimpleName() + ": " + cause.getMessage());
            listener.onRefreshFailed(profile, failure, attempt, nextAttempt);
        }

        @Override
        public void onExpired(String profile, Snapshot<RoleCredentials> last) {
            listener.onExpired(profile, last.value());
        }

        @Override
        public void onCycle(int cycle, int expected, int refreshed, Duration left) {
            listener.onCycle(cycle, expected, refreshed, left);
        }

        @Override
        public void onSessionEnding(Instant end, Duration left) {
            listener.onSessionEnding(end, left);
        }

        @Override
        public void onLifetimeEnded(Instant end) {
            listener.onLifetimeEnded(end);
        }
    }
}
