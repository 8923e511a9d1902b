package dev.stsfleet.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Keeps keyed values with an expiry fresh in the background, until {@link #close()} or the end of a
 * lifetime. Thread-safe. The refresher owns its threads: one scheduler thread and a bounded worker pool,
 * all daemon threads named {@code stsfleet-refresh-N}; closing it stops and joins them, and once the
 * lifetime has ended they stop by themselves.
 *
 * <p>Readers ({@link #current}, {@link #currentAll}) read a volatile snapshot and never block, not even
 * while a slow refresh is in flight. Each key refreshes at its snapshot's advisory instant (see
 * {@link RefreshPolicy}), single-flight; calls to refresh functions are spread by the policy's jitter and
 * may be limited to a number per second for the whole refresher. A failed refresh keeps serving the old
 * value and is retried with the {@link BackoffStrategy}'s capped, jittered delays; a failure the
 * non-recoverable predicate matches is not retried until {@link #extend} or {@link #refreshNow}. When a
 * value expires without a successful refresh the key is marked expired and a listener hears of it;
 * recoverable retries go on so the key can come back.
 *
 * <p>Why not the AWS SDK's {@code CachedSupplier} with its {@code NonBlocking} prefetch strategy, which
 * is on our classpath: its scheduler and executor are JVM-wide statics that outlive {@code close()}
 * (aws-sdk-java-v2 #3259, #5796), it reads {@code Instant.now()} rather than a clock we can move in
 * tests, it silently skips refreshes past 100 concurrent ones, and it has no listener, lifetime end,
 * session-ending notice or rate limit. What we do reuse from the SDK is its backoff:
 * {@link BackoffStrategy}, with half-jitter exponential delays by default.
 *
 * <p>Who signs the refresh calls is the caller's business: a refresh function may read the caller's
 * current session (e.g. from a volatile field) on every call, or the caller swaps it with
 * {@link #replaceRefreshFunction}; {@link #extend} pushes the lifetime out after a session renewal
 * without dropping any key.
 *
 * @param <K> the key type, e.g. a profile name; its {@code toString} appears in logs
 * @param <V> the value type, e.g. credentials; never logged
 */
public final class Refresher<K, V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Refresher.class);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    /** The scheduler re-reads the clock at least this often, so a jumped wall clock is noticed. */
    private static final Duration MAX_IDLE = Duration.ofSeconds(1);
    /** How far back unused refresh permits are kept, see {@link #pass}. */
    private static final Duration PERMIT_CATCH_UP = Duration.ofMillis(100);
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How long the testing hooks wait for the scheduler before giving up. */
    private static final Duration TEST_WAIT = Duration.ofSeconds(20);

    private final Clock clock;
    private final RefreshPolicy policy;
    private final BackoffStrategy backoff;
    private final Predicate<? super Throwable> nonRecoverable;
    private final RefreshListener<K, V> listener;
    private final Duration sessionEndingNotice;
    private final Duration closeTimeout;
    /** Nanoseconds between two refresh calls; 0 without a rate limit. */
    private final long permitIntervalNanos;

    private final Map<K, Entry<K, V>> entries = new ConcurrentHashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor workers;
    private final Thread scheduler;

    private volatile Instant end;
    private volatile boolean sessionEndingFired;
    private volatile boolean closed;
    private volatile boolean lifetimeEnded;
    private volatile boolean wakeRequested;
    private volatile int completedCycles;
    private volatile int expectedCycles;
    /** The lifetime end {@link #expectedCycles} was estimated for. */
    private Instant estimatedFor;

    // Scheduler thread only.
    private Instant nextPermit = Instant.MIN;

    // Testing hooks: scheduler passes and refreshes in flight, guarded by passMonitor.
    private final Object passMonitor = new Object();
    private long passes;
    private boolean passing;
    private int running;
    private boolean schedulerDone;

    private Refresher(Builder<K, V> builder) {
        this.clock = builder.clock;
        this.policy = builder.policy;
        this.backoff = builder.backoff;
        this.nonRecoverable = builder.nonRecoverable;
        this.listener = builder.listener;
        this.sessionEndingNotice = builder.sessionEndingNotice;
        this.closeTimeout = builder.closeTimeout;
        this.permitIntervalNanos = Double.isInfinite(builder.rateLimit) ? 0
                : Math.max(1, (long) (TimeUnit.SECONDS.toNanos(1) / builder.rateLimit));
        this.end = builder.end;
        this.workers = new ThreadPoolExecutor(builder.workers, builder.workers, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), this::newThread);
        this.scheduler = newThread(this::runScheduler);
        if (end != null) {
            LOG.info("refresh lifetime ends at {} ({} left)", end, human(Duration.between(clock.instant(), end)));
        }
        scheduler.start();
    }

    public static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /**
     * Adds a key with its first value, or replaces the key's value and function if it is registered.
     *
     * @throws IllegalStateException once closed or after the lifetime ended
     */
    public void register(K key, Expiring<V> initial, RefreshFunction<K, V> function) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(function, "function");
        requireRunning();
        Snapshot<V> snapshot = policy.snapshot(initial);
        entries.put(key, new Entry<>(key, snapshot, function, completedCycles));
        LOG.debug("{}: registered, expires {}, advisory refresh {}, mandatory {}", key, snapshot.expiry(),
                snapshot.advisoryRefresh(), snapshot.mandatoryRefresh());
        wakeUp();
    }

    /** Uses {@code function} for the key's refreshes from the next attempt on. */
    public void replaceRefreshFunction(K key, RefreshFunction<K, V> function) {
        Objects.requireNonNull(function, "function");
        entry(key).function = function;
    }

    /** The key's newest snapshot, without blocking; empty for an unknown key. */
    public Optional<Snapshot<V>> current(K key) {
        Entry<K, V> entry = entries.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.snapshot);
    }

    /** Every key's newest snapshot, without blocking: an unmodifiable copy. */
    public Map<K, Snapshot<V>> currentAll() {
        Map<K, Snapshot<V>> all = new LinkedHashMap<>();
        entries.forEach((key, entry) -> all.put(key, entry.snapshot));
        return java.util.Collections.unmodifiableMap(all);
    }

    /**
     * Refreshes the key as soon as the rate limit allows, single-flight: while a refresh of the key is
     * pending or in flight, every caller gets the same future. Clears a non-recoverable stop.
     *
     * @return completes with the new snapshot, or exceptionally with the refresh function's failure
     * @throws IllegalArgumentException for an unknown key
     * @throws IllegalStateException    once closed or after the lifetime ended
     */
    public CompletableFuture<Snapshot<V>> refreshNow(K key) {
        Entry<K, V> entry = entry(key);
        requireRunning();
        CompletableFuture<Snapshot<V>> future;
        synchronized (entry) {
            if (entry.pending == null) {
                entry.pending = new CompletableFuture<>();
            }
            if (!entry.inFlight) {
                entry.forced = true;
            }
            future = entry.pending;
        }
        wakeUp();
        return future;
    }

    /**
     * Pushes the end of the lifetime out to {@code newEnd}, e.g. after the session was renewed, keeping
     * every key. Re-arms the session-ending notice, and gives keys stopped by a non-recoverable failure
     * or expired a new attempt at once (the new session may well succeed where the old one failed).
     *
     * @throws IllegalArgumentException if {@code newEnd} is before the current end
     * @throws IllegalStateException    once closed or after the lifetime ended
     */
    public void extend(Instant newEnd) {
        Objects.requireNonNull(newEnd, "newEnd");
        requireRunning();
        Instant old = end;
        if (old != null && newEnd.isBefore(old)) {
            throw new IllegalArgumentException("new end " + newEnd + " is before the current end " + old);
        }
        end = newEnd;
        sessionEndingFired = false;
        for (Entry<K, V> entry : entries.values()) {
            synchronized (entry) {
                if (entry.stopped || entry.expiredNotified) {
                    entry.stopped = false;
                    entry.retryAt = null;
                    entry.failures = 0;
                    entry.forced = !entry.inFlight;
                }
            }
        }
        LOG.info("refresh lifetime extended to {} ({} left)", newEnd,
                human(Duration.between(clock.instant(), newEnd)));
        wakeUp();
    }

    /** The end of the lifetime; empty if there is none (refresh until {@link #close()}). */
    public Optional<Instant> end() {
        return Optional.ofNullable(end);
    }

    /** Whether refreshing has stopped: closed, or the lifetime has ended. */
    public boolean isStopped() {
        return closed || lifetimeEnded;
    }

    /**
     * Waits until refreshing has stopped (closed, or the lifetime ended) and every thread of this
     * refresher has terminated, e.g. for a command that keeps credentials fresh for a lifetime.
     *
     * @return whether it stopped within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The scheduler first: only it starts workers, so once it is gone the list of threads is final.
        if (scheduler != Thread.currentThread()) {
            TimeUnit.NANOSECONDS.timedJoin(scheduler, Math.max(1, deadline - System.nanoTime()));
        }
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (thread != Thread.currentThread() && left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
        }
        return threadsDead();
    }

    /**
     * Stops refreshing: interrupts refreshes in flight, then joins the scheduler and worker threads
     * (waiting at most the close timeout for a refresh function that ignores interrupts). Values stay
     * readable. Idempotent.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LOG.debug("closing refresher with {} keys", entries.size());
        }
        LockSupport.unpark(scheduler);
        stopWorkers();
        try {
            if (!awaitTermination(closeTimeout)) {
                LOG.warn("refresh threads still alive {} after close: a refresh function ignores interrupts",
                        human(closeTimeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cancelPending();
    }

    // ---------------------------------------------------------------------------------------------
    // The scheduler.

    private void runScheduler() {
        try {
            while (!closed && !lifetimeEnded) {
                wakeRequested = false;
                synchronized (passMonitor) {
                    passing = true;
                }
                Instant now = clock.instant();
                Instant wake;
                try {
                    wake = pass(now);
                } catch (RuntimeException | LinkageError | AssertionError e) {
                    LOG.error("refresh scheduler pass failed; going on", e);
                    wake = now.plus(MAX_IDLE);
                } finally {
                    synchronized (passMonitor) {
                        passes++;
                        passing = false;
                        passMonitor.notifyAll();
                    }
                }
                if (closed || lifetimeEnded || wakeRequested) {
                    continue;
                }
                long nanos = Duration.between(now, wake).toNanos();
                LockSupport.parkNanos(this, Math.max(MIN_PARK_NANOS, Math.min(nanos, MAX_IDLE.toNanos())));
            }
        } finally {
            // Refreshes in flight at the end of the lifetime are of no use any more: interrupt them.
            stopWorkers();
            synchronized (passMonitor) {
                schedulerDone = true;
                passMonitor.notifyAll();
            }
        }
    }

    /** One look at every key at {@code now}; returns when to look again. */
    private Instant pass(Instant now) {
        Instant lifetimeEnd = end;
        if (lifetimeEnd != null && !now.isBefore(lifetimeEnd)) {
            lifetimeEnded = true;
            LOG.info("refresh lifetime ended at {}: {} values, refresh stopped", lifetimeEnd, entries.size());
            fire(l -> l.onLifetimeEnded(lifetimeEnd));
            return now;
        }
        Instant wake = now.plus(MAX_IDLE);
        if (lifetimeEnd != null) {
            wake = min(wake, lifetimeEnd);
            Instant notice = lifetimeEnd.minus(sessionEndingNotice);
            if (!sessionEndingFired && !now.isBefore(notice)) {
                sessionEndingFired = true;
                Duration left = Duration.between(now, lifetimeEnd);
                LOG.info("session ending: {} left until {}", human(left), lifetimeEnd);
                fire(l -> l.onSessionEnding(lifetimeEnd, left));
            } else if (!sessionEndingFired) {
                wake = min(wake, notice);
            }
        }

        List<Entry<K, V>> expired = new ArrayList<>();
        List<Map.Entry<Instant, Entry<K, V>>> due = new ArrayList<>();
        for (Entry<K, V> entry : entries.values()) {
            synchronized (entry) {
                Snapshot<V> snapshot = entry.snapshot;
                if (!entry.expiredNotified && !now.isBefore(snapshot.expiry())) {
                    entry.expiredNotified = true;
                    entry.snapshot = snapshot.markedExpired();
                    expired.add(entry);
                } else if (!entry.expiredNotified) {
                    wake = min(wake, snapshot.expiry());
                }
                Instant at = dueAt(entry, lifetimeEnd);
                if (at != null && now.isBefore(at)) {
                    wake = min(wake, at);
                } else if (at != null) {
                    due.add(Map.entry(at, entry));
                }
            }
        }
        for (Entry<K, V> entry : expired) {
            Snapshot<V> last = entry.snapshot;
            LOG.warn("{}: expired at {} without a successful refresh", entry.key, last.expiry());
            fire(l -> l.onExpired(entry.key, last));
        }

        due.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        for (Map.Entry<Instant, Entry<K, V>> item : due) {
            if (permitIntervalNanos > 0 && now.isBefore(nextPermit)) {
                wake = min(wake, nextPermit);
                break;
            }
            if (dispatch(item.getValue()) && permitIntervalNanos > 0) {
                // Permits the scheduler missed in the last moment (a late wake-up on a busy machine) may be
                // spent now, so the rate holds under load; older ones are gone, so there is no big burst.
                Instant floor = now.minus(PERMIT_CATCH_UP);
                nextPermit = (nextPermit.isAfter(floor) ? nextPermit : floor).plusNanos(permitIntervalNanos);
            }
        }
        countCycles(now, lifetimeEnd);
        return wake;
    }

    /** When the entry's next attempt is due, or null for none. Called holding the entry's monitor. */
    private static Instant dueAt(Entry<?, ?> entry, Instant lifetimeEnd) {
        if (entry.inFlight) {
            return null;
        }
        if (entry.forced) {
            return Instant.MIN;
        }
        if (entry.stopped) {
            return null;
        }
        Snapshot<?> snapshot = entry.snapshot;
        if (lifetimeEnd != null && !snapshot.expiry().isBefore(lifetimeEnd)) {
            return null; // the value lasts the whole lifetime: nothing left to do
        }
        Instant at = entry.retryAt != null ? entry.retryAt : snapshot.advisoryRefresh();
        // No attempt whose new value could not arrive before the end.
        return lifetimeEnd != null && !at.isBefore(lifetimeEnd) ? null : at;
    }

    private boolean dispatch(Entry<K, V> entry) {
        RefreshFunction<K, V> function;
        synchronized (entry) {
            if (entry.inFlight) {
                return false;
            }
            entry.inFlight = true;
            entry.forced = false;
            if (entry.pending == null) {
                entry.pending = new CompletableFuture<>();
            }
            function = entry.function;
        }
        synchronized (passMonitor) {
            running++;
        }
        try {
            workers.execute(new RefreshTask(entry, function));
            return true;
        } catch (RejectedExecutionException e) {
            abandon(entry);
            return false;
        }
    }

    /** A queued refresh; a named class so that refreshes drained by a shutdown can be abandoned. */
    private final class RefreshTask implements Runnable {
        private final Entry<K, V> entry;
        private final RefreshFunction<K, V> function;

        RefreshTask(Entry<K, V> entry, RefreshFunction<K, V> function) {
            this.entry = entry;
            this.function = function;
        }

        @Override
        public void run() {
            runRefresh(entry, function);
        }

        void abandon() {
            Refresher.this.abandon(entry);
        }
    }

    /** Stops the workers, abandoning queued refreshes that never started. */
    private void stopWorkers() {
        for (Runnable task : workers.shutdownNow()) {
            if (task instanceof Refresher<?, ?>.RefreshTask queued) {
                queued.abandon();
            }
        }
    }

    private void abandon(Entry<K, V> entry) {
        CompletableFuture<Snapshot<V>> pending;
        synchronized (entry) {
            pending = entry.pending;
            entry.pending = null;
        }
        finish(entry);
        if (pending != null) {
            pending.cancel(false);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The workers.

    private void runRefresh(Entry<K, V> entry, RefreshFunction<K, V> function) {
        K key = entry.key;
        Snapshot<V> fresh = null;
        Throwable failure = null;
        try {
            Expiring<V> value = Objects.requireNonNull(function.refresh(key), "refresh function returned null");
            fresh = policy.snapshot(value);
            if (!clock.instant().isBefore(fresh.expiry())) {
                throw new IllegalStateException("the new value had already expired at " + fresh.expiry());
            }
        } catch (VirtualMachineError e) {
            finish(entry);
            throw e;
        } catch (Throwable e) {
            fresh = null;
            failure = e;
        }
        if (fresh != null) {
            succeeded(entry, fresh);
        } else {
            failed(entry, failure);
        }
    }

    private void succeeded(Entry<K, V> entry, Snapshot<V> fresh) {
        CompletableFuture<Snapshot<V>> pending;
        synchronized (entry) {
            entry.snapshot = fresh;
            entry.failures = 0;
            entry.retryAt = null;
            entry.stopped = false;
            entry.expiredNotified = false;
            entry.generation++;
            pending = entry.pending;
            entry.pending = null;
        }
        LOG.debug("{}: refreshed, expires {}, next advisory refresh {}", entry.key, fresh.expiry(),
                fresh.advisoryRefresh());
        if (!isStopped()) {
            fire(l -> l.onRefreshed(entry.key, fresh));
        }
        finish(entry);
        if (pending != null) {
            pending.complete(fresh);
        }
    }

    private void failed(Entry<K, V> entry, Throwable failure) {
        boolean fatal;
        try {
            fatal = nonRecoverable.test(failure);
        } catch (RuntimeException e) {
            LOG.warn("the non-recoverable predicate threw; treating the failure as recoverable", e);
            fatal = false;
        }
        Instant now = clock.instant();
        Instant lifetimeEnd = end;
        int attempt;
        Instant retryAt = null;
        CompletableFuture<Snapshot<V>> pending;
        synchronized (entry) {
            attempt = ++entry.failures;
            if (!fatal) {
                // BackoffStrategy counts the first try as attempt 1 (no delay): a retry is attempt + 1.
                retryAt = now.plus(backoff.computeDelay(Math.min(attempt, 30) + 1));
                if (lifetimeEnd != null && !retryAt.isBefore(lifetimeEnd)) {
                    retryAt = null;
                }
            }
            entry.retryAt = retryAt;
            entry.stopped = retryAt == null;
            pending = entry.pending;
            entry.pending = null;
        }
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (fatal) {
            LOG.warn("{}: refresh failed, not recoverable, no retry: {}", entry.key, reason);
        } else {
            LOG.warn("{}: refresh attempt {} failed, {}: {}", entry.key, attempt,
                    retryAt == null ? "no retry before the end of the lifetime" : "retry at " + retryAt, reason);
        }
        LOG.debug("{}: refresh failure", entry.key, failure);
        Optional<Instant> next = Optional.ofNullable(retryAt);
        if (!isStopped()) {
            fire(l -> l.onRefreshFailed(entry.key, failure, attempt, next));
        }
        finish(entry);
        if (pending != null) {
            pending.completeExceptionally(failure);
        }
    }

    /** Ends a flight: the key may be dispatched again, the scheduler looks again. */
    private void finish(Entry<K, V> entry) {
        synchronized (entry) {
            entry.inFlight = false;
        }
        synchronized (passMonitor) {
            running--;
            passMonitor.notifyAll();
        }
        wakeUp();
    }

    // ---------------------------------------------------------------------------------------------
    // Progress.

    /**
     * Cycle k is complete when every key has been refreshed k times, or has nothing left to do (its
     * value lasts the lifetime, it expired, or it was stopped by a non-recoverable failure).
     */
    private void countCycles(Instant now, Instant lifetimeEnd) {
        while (true) {
            int cycle = completedCycles + 1;
            int refreshed = 0;
            for (Entry<K, V> entry : entries.values()) {
                synchronized (entry) {
                    if (entry.generation >= cycle) {
                        refreshed++;
                    } else if (!entry.stopped && !entry.expiredNotified && (lifetimeEnd == null
                            || entry.snapshot.expiry().isBefore(lifetimeEnd))) {
                        return;
                    }
                }
            }
            if (refreshed == 0) {
                return;
            }
            completedCycles = cycle;
            int count = refreshed;
            if (lifetimeEnd == null) {
                LOG.info("refresh cycle {}: {} values refreshed", cycle, refreshed);
                fire(l -> l.onCycle(cycle, 0, count, null));
                continue;
            }
            // The estimate only grows while the lifetime's end stays (jittered refreshes would make it wobble:
            // "3 of 5" after "2 of 6"); a new end (an adopted session) starts a new estimate.
            int estimate = Math.max(cycle, estimatedCycles(lifetimeEnd));
            expectedCycles = lifetimeEnd.equals(estimatedFor) ? Math.max(expectedCycles, estimate) : estimate;
            estimatedFor = lifetimeEnd;
            Duration left = Duration.between(now, lifetimeEnd);
            LOG.info("refresh cycle {} of {}: {} values refreshed, {} left in the lifetime", cycle,
                    expectedCycles, refreshed, human(left));
            int expected = expectedCycles;
            fire(l -> l.onCycle(cycle, expected, count, left));
        }
    }

    /**
     * How many cycles the run will have: the most refreshes any key will have made by the end (its own so far
     * plus those its current value's interval still needs; a key with the shortest interval decides it).
     */
    private int estimatedCycles(Instant lifetimeEnd) {
        int most = 0;
        for (Entry<K, V> entry : entries.values()) {
            synchronized (entry) {
                if (!entry.stopped && entry.generation > 0) {
                    most = Math.max(most, entry.generation + remainingCycles(entry.snapshot, lifetimeEnd));
                }
            }
        }
        return most;
    }

    /**
     * Refreshes still needed after {@code latest}: each one comes one refresh interval (issued to
     * advisory) later and is needed while the value it replaces expires before the end.
     */
    static int remainingCycles(Snapshot<?> latest, Instant lifetimeEnd) {
        long interval = Duration.between(latest.issued(), latest.advisoryRefresh()).toMillis();
        long uncovered = Duration.between(latest.expiry(), lifetimeEnd).toMillis();
        if (uncovered <= 0 || interval <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (uncovered + interval - 1) / interval);
    }

    // ---------------------------------------------------------------------------------------------
    // Testing hooks (package-private).

    /** Completed refresh cycles so far. */
    int completedCycles() {
        return completedCycles;
    }

    /** The expected number of cycles, as last logged; 0 before the first cycle or without an end. */
    int expectedCycles() {
        return expectedCycles;
    }

    /** Every thread this refresher has started. */
    List<Thread> threads() {
        return List.copyOf(threads);
    }

    /**
     * Makes the scheduler look at the clock's now and waits until it has, and until every refresh it
     * started then has finished: after a test moved its clock, everything due is done.
     *
     * @throws IllegalStateException if that takes longer than 20 seconds (e.g. a refresh is blocked)
     */
    void tick() {
        awaitPass();
        awaitIdle();
        awaitPass();
    }

    /** Makes the scheduler look at the clock now, without waiting. */
    void wakeUp() {
        wakeRequested = true;
        LockSupport.unpark(scheduler);
    }

    private void awaitPass() {
        long deadline = System.nanoTime() + TEST_WAIT.toNanos();
        synchronized (passMonitor) {
            // A pass already under way may have read the clock before the caller moved it.
            long target = passes + (passing ? 2 : 1);
            wakeUp();
            while (passes < target && !schedulerDone) {
                waitUntil(deadline, "a scheduler pass");
            }
        }
    }

    private void awaitIdle() {
        long deadline = System.nanoTime() + TEST_WAIT.toNanos();
        synchronized (passMonitor) {
            while (running > 0) {
                waitUntil(deadline, "refreshes in flight");
            }
        }
    }

    private void waitUntil(long deadline, String what) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IllegalStateException("gave up waiting for " + what);
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(passMonitor, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Entry<K, V> entry(K key) {
        Entry<K, V> entry = entries.get(Objects.requireNonNull(key, "key"));
        if (entry == null) {
            throw new IllegalArgumentException("unknown key: " + key);
        }
        return entry;
    }

    private void requireRunning() {
        if (closed) {
            throw new IllegalStateException("the refresher is closed");
        }
        if (lifetimeEnded) {
            throw new IllegalStateException("the refresh lifetime has ended");
        }
    }

    private void fire(Consumer<RefreshListener<K, V>> event) {
        try {
            event.accept(listener);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("a refresh listener threw; ignored", e);
        }
    }

    private void cancelPending() {
        for (Entry<K, V> entry : entries.values()) {
            CompletableFuture<Snapshot<V>> pending;
            synchronized (entry) {
                pending = entry.pending;
                entry.pending = null;
            }
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    private Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "stsfleet-refresh-" + THREAD_NUMBER.incrementAndGet());
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("{} died", t.getName(), e));
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        threads.add(thread);
        return thread;
    }

    private boolean threadsDead() {
        for (Thread thread : threads) {
            if (thread.isAlive() && thread != Thread.currentThread()) {
                return false;
            }
        }
        return true;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** A duration as {@code 4h 10m 3s}, for people. */
    static String human(Duration duration) {
        if (duration.isNegative()) {
            return "-" + human(duration.negated());
        }
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return duration.toMillis() + "ms";
        }
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append("h ");
        }
        if (seconds >= 60) {
            text.append(seconds % 3600 / 60).append("m ");
        }
        return text.append(seconds % 60).append('s').toString();
    }

    /** Configures a {@link Refresher}. Not thread-safe. */
    public static final class Builder<K, V> {
        private Clock clock = Clock.systemUTC();
        private RefreshPolicy policy = RefreshPolicy.standard();
        private BackoffStrategy backoff =
                BackoffStrategy.exponentialDelayHalfJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));
        private Predicate<? super Throwable> nonRecoverable = e -> false;
        private RefreshListener<K, V> listener = new RefreshListener<>() {
        };
        private Duration sessionEndingNotice = Duration.ofMinutes(15);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Instant end;
        private int workers = 4;
        private double rateLimit = Double.POSITIVE_INFINITY;

        private Builder() {
        }

        /** The clock for every instant the refresher compares. Default: {@link Clock#systemUTC()}. */
        public Builder<K, V> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Derives each value's refresh instants. Default: {@link RefreshPolicy#standard()}. */
        public Builder<K, V> policy(RefreshPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The delays between failed attempts of one key (attempt 2 is the first retry). Default: the SDK's
         * {@code BackoffStrategy.exponentialDelayHalfJitter(1 s, 30 s)}.
         */
        public Builder<K, V> backoff(BackoffStrategy backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Which failures are not worth a retry (e.g. AccessDenied, ExpiredToken); such a key stops until
         * {@link Refresher#extend} or {@link Refresher#refreshNow}. Default: none, every failure is retried.
         */
        public Builder<K, V> nonRecoverable(Predicate<? super Throwable> nonRecoverable) {
            this.nonRecoverable = Objects.requireNonNull(nonRecoverable, "nonRecoverable");
            return this;
        }

        /** Receives the refresher's events. Default: none. */
        public Builder<K, V> listener(RefreshListener<K, V> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The end of the lifetime (e.g. the session token's expiry): no refresh is attempted at or after
         * it, and there the refresher stops by itself. Default: none, refresh until {@code close()}.
         */
        public Builder<K, V> end(Instant end) {
            this.end = Objects.requireNonNull(end, "end");
            return this;
        }

        /** How long before the end the session-ending event fires. Default: 15 minutes. */
        public Builder<K, V> sessionEndingNotice(Duration sessionEndingNotice) {
            this.sessionEndingNotice = requireNotNegative(sessionEndingNotice, "sessionEndingNotice");
            return this;
        }

        /** The number of worker threads running refresh functions. Default: 4. */
        public Builder<K, V> workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1: " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * At most this many refresh calls per second for the whole refresher, e.g. to stay under STS
         * throttling. Default: unlimited ({@code Double.POSITIVE_INFINITY}).
         */
        public Builder<K, V> rateLimit(double permitsPerSecond) {
            if (!(permitsPerSecond > 0)) {
                throw new IllegalArgumentException("rateLimit must be positive: " + permitsPerSecond);
            }
            this.rateLimit = permitsPerSecond;
            return this;
        }

        /** How long {@code close()} waits for its threads to end. Default: 10 seconds. */
        public Builder<K, V> closeTimeout(Duration closeTimeout) {
            this.closeTimeout = requireNotNegative(closeTimeout, "closeTimeout");
            return this;
        }

        /** Starts the refresher's scheduler thread; the caller owns the result and must close it. */
        public Refresher<K, V> build() {
            return new Refresher<>(this);
        }

        private static Duration requireNotNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + duration);
            }
            return duration;
        }
    }
}
