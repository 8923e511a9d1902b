package dev.stsfleet.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.sandbox.junit.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The refresher on a clock the tests move: {@code tick()} makes the scheduler look at the moved clock and
 * waits until every refresh that became due has run. No test sleeps; waits on latches and futures have
 * generous bounds that only a hang would reach.
 */
@Timeout(60)
class RefresherTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final long WAIT = 20;

    private final TestClock clock = new TestClock(T0);
    private final Recorder events = new Recorder();
    private final List<Refresher<String, String>> refreshers = new ArrayList<>();

    @AfterEach
    void closeRefreshers() {
        refreshers.forEach(Refresher::close);
    }

    // ---------------------------------------------------------------------------------------------
    // Timing of refreshes

    @Test
    void refresh_happensAfterTheAdvisoryInstant_andBeforeExpiry() {
        Refresher<String, String> refresher = start(builder());
        Counting function = new Counting("v", HOUR);
        refresher.register("p", value("v0", T0, HOUR), function);
        Snapshot<String> first = refresher.current("p").orElseThrow();

        clock.set(first.advisoryRefresh().minusMillis(1));
        refresher.tick();
        assertThat(function.calls()).isZero();
        assertThat(refresher.current("p").orElseThrow().state(clock.instant())).isEqualTo(Snapshot.State.FRESH);

        clock.set(first.advisoryRefresh());
        refresher.tick();
        assertThat(function.calls()).isEqualTo(1);
        assertThat(function.calledAt.get(0)).isAfterOrEqualTo(first.advisoryRefresh())
                .isBefore(first.mandatoryRefresh());
        Snapshot<String> second = refresher.current("p").orElseThrow();
        assertThat(second.value()).isEqualTo("v1");
        assertThat(second.state(clock.instant())).isEqualTo(Snapshot.State.FRESH);
        assertThat(events.refreshed).containsExactly("p");
    }

    @Test
    void manyKeysIssuedTogether_areSpreadByJitter() {
        Refresher<String, String> refresher = start(builder());
        for (int i = 0; i < 1000; i++) {
            refresher.register("role-" + i, value("v", T0, HOUR), new Counting("v", HOUR));
        }
        Map<Long, Long> perSecond = refresher.currentAll().values().stream()
                .collect(Collectors.groupingBy(s -> s.advisoryRefresh().getEpochSecond(), Collectors.counting()));
        assertThat(refresher.currentAll()).hasSize(1000);
        assertThat(perSecond).hasSizeGreaterThan(250);
        assertThat(Collections.max(perSecond.values())).isLessThan(20);
    }

    @Test
    void rateLimit_spreadsDueRefreshesOverSeconds() {
        RefreshPolicy noJitter = (issued, expiry) -> new RefreshPolicy.Times(expiry.minus(Duration.ofMinutes(10)),
                expiry.minus(Duration.ofMinutes(2)));
        Refresher<String, String> refresher = start(builder().policy(noJitter).rateLimit(1.0));
        Counting function = new Counting("v", HOUR);
        for (String key : List.of("a", "b", "c")) {
            refresher.register(key, value("v0", T0, HOUR), function);
        }
        clock.set(T0.plus(Duration.ofMinutes(50)));
        refresher.tick();
        refresher.tick();
        assertThat(function.calls()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        refresher.tick();
        assertThat(function.calls()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        refresher.tick();
        assertThat(function.calls()).isEqualTo(3);
        assertThat(events.refreshed).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void fiveHourLifetime_withHourLongValues_givesFiveCycles_neverServesAValueInsideTheMargin() {
        Random midJitter = new Random() {
            @Override
            public double nextDouble() {
                return 0.5;
            }
        };
        Instant end = T0.plus(Duration.ofHours(5));
        Refresher<String, String> refresher = start(builder().policy(RefreshPolicy.standard(midJitter)).end(end));
        Map<String, Counting> functions = new HashMap<>();
        for (String key : List.of("a", "b", "c")) {
            Counting function = new Counting(key, HOUR).cappedAt(end);
            functions.put(key, function);
            refresher.register(key, value(key + "0", T0, HOUR), function);
        }

        while (clock.instant().isBefore(end)) {
            clock.advance(Duration.ofMinutes(1));
            refresher.tick();
            Instant now = clock.instant();
            if (now.isBefore(end.minus(Duration.ofMinutes(2)))) {
                for (Snapshot<String> snapshot : refresher.currentAll().values()) {
                    assertThat(snapshot.usable(now)).isTrue();
                    assertThat(snapshot.remaining(now)).isGreaterThanOrEqualTo(Duration.ofMinutes(2));
                }
            }
        }

        functions.values().forEach(f -> assertThat(f.calls()).isEqualTo(5));
        assertThat(refresher.completedCycles()).isEqualTo(5);
        assertThat(refresher.expectedCycles()).isEqualTo(5);
        assertThat(events.lifetimeEnded).containsExactly(end);
        assertThat(events.expired).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Single flight and readers

    @Test
    void concurrentTriggers_shareOneFlight() throws Exception {
        Refresher<String, String> refresher = start(builder());
        Blocking function = new Blocking();
        refresher.register("p", value("v0", T0, HOUR), function);

        int callers = 8;
        CyclicBarrier barrier = new CyclicBarrier(callers);
        List<CompletableFuture<Snapshot<String>>> futures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(() -> {
                try {
                    barrier.await(WAIT, TimeUnit.SECONDS);
                    futures.add(refresher.refreshNow("p"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(WAIT));
        }
        assertThat(function.entered.await(WAIT, TimeUnit.SECONDS)).isTrue();
        futures.add(refresher.refreshNow("p")); // while in flight
        refresher.wakeUp();

        assertThat(futures).hasSize(callers + 1);
        Set<CompletableFuture<Snapshot<String>>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(futures);
        assertThat(distinct).hasSize(1);

        function.release.countDown();
        assertThat(futures.get(0).get(WAIT, TimeUnit.SECONDS).value()).isEqualTo("blocked-1");
        refresher.tick();
        assertThat(function.calls.get()).isEqualTo(1);
        assertThat(function.maxConcurrent.get()).isEqualTo(1);
    }

    @Test
    void readers_neverBlock_duringASlowRefresh() throws Exception {
        Refresher<String, String> refresher = start(builder());
        Blocking function = new Blocking();
        refresher.register("p", value("v0", T0, HOUR), function);

        CompletableFuture<Snapshot<String>> flight = refresher.refreshNow("p");
        assertThat(function.entered.await(WAIT, TimeUnit.SECONDS)).isTrue();
        // The refresh function is blocked on a latch: readers still get the old value at once.
        assertThat(refresher.current("p").orElseThrow().value()).isEqualTo("v0");
        assertThat(refresher.currentAll()).containsOnlyKeys("p");
        assertThat(refresher.currentAll().get("p").value()).isEqualTo("v0");
        assertThat(refresher.current("unknown")).isEmpty();

        function.release.countDown();
        assertThat(flight.get(WAIT, TimeUnit.SECONDS).value()).isEqualTo("blocked-1");
        assertThat(refresher.current("p").orElseThrow().value()).isEqualTo("blocked-1");
    }

    // ---------------------------------------------------------------------------------------------
    // Failures

    @Test
    void failedRefresh_isRetriedWithGrowingBackoff_thenSucceeds_servingTheOldValueMeanwhile() {
        Refresher<String, String> refresher = start(builder());
        Counting function = new Counting("v", HOUR).failingFirst(2);
        refresher.register("p", value("v0", T0, HOUR), function);
        Instant advisory = refresher.current("p").orElseThrow().advisoryRefresh();

        clock.set(advisory);
        refresher.tick();
        assertThat(function.calls()).isEqualTo(1);
        Failure first = events.failures.get(0);
        assertThat(first.attempt()).isEqualTo(1);
        Instant retry1 = first.nextAttempt().orElseThrow();
        assertThat(Duration.between(advisory, retry1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(refresher.current("p").orElseThrow().value()).isEqualTo("v0");
        assertThat(refresher.current("p").orElseThrow().usable(clock.instant())).isTrue();

        clock.set(retry1.minusMillis(1));
        refresher.tick();
        assertThat(function.calls()).isEqualTo(1);

        clock.set(retry1);
        refresher.tick();
        assertThat(function.calls()).isEqualTo(2);
        Failure second = events.failures.get(1);
        assertThat(second.attempt()).isEqualTo(2);
        Instant retry2 = second.nextAttempt().orElseThrow();
        assertThat(Duration.between(retry1, retry2)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));

        clock.set(retry2);
        refresher.tick();
        assertThat(function.calls()).isEqualTo(3);
        assertThat(refresher.current("p").orElseThrow().value()).isEqualTo("v3");
        assertThat(events.refreshed).containsExactly("p");
        assertThat(events.failures).hasSize(2);
    }

    @Test
    void nonRecoverableFailure_failsFast_thenTheValueExpires_andRefreshNowRevivesIt() throws Exception {
        Refresher<String, String> refresher = start(builder().nonRecoverable(e -> e instanceof AccessDenied));
        refresher.register("p", value("v0", T0, HOUR), key -> {
            throw new AccessDenied();
        });
        Snapshot<String> first = refresher.current("p").orElseThrow();

        clock.set(first.advisoryRefresh());
        refresher.tick();
        assertThat(events.failures).hasSize(1);
        assertThat(events.failures.get(0).nextAttempt()).isEmpty();

        clock.set(first.expiry().minusSeconds(1));
        refresher.tick();
        assertThat(events.failures).hasSize(1);
        assertThat(events.expired).isEmpty();
        assertThat(refresher.current("p").orElseThrow().state(clock.instant())).isEqualTo(Snapshot.State.EXPIRED);

        clock.set(first.expiry());
        refresher.tick();
        assertThat(events.expired).containsExactly("p");
        assertThat(refresher.current("p").orElseThrow().expired()).isTrue();

        clock.advance(HOUR);
        refresher.tick();
        assertThat(events.failures).hasSize(1);
        assertThat(events.expired).hasSize(1);

        refresher.replaceRefreshFunction("p", new Counting("fixed", HOUR));
        Snapshot<String> revived = refresher.refreshNow("p").get(WAIT, TimeUnit.SECONDS);
        assertThat(revived.value()).isEqualTo("fixed1");
        assertThat(revived.expired()).isFalse();
        assertThat(refresher.current("p").orElseThrow().state(clock.instant())).isEqualTo(Snapshot.State.FRESH);
    }

    @Test
    void recoverableFailuresUntilExpiry_markTheKeyExpired_andRetriesBringItBack() {
        Refresher<String, String> refresher = start(builder());
        Counting function = new Counting("v", HOUR).failingFirst(Integer.MAX_VALUE);
        refresher.register("p", value("v0", T0, HOUR), function);
        Snapshot<String> first = refresher.current("p").orElseThrow();

        clock.set(first.advisoryRefresh());
        refresher.tick();
        clock.set(first.expiry());
        refresher.tick();
        assertThat(events.expired).containsExactly("p");
        assertThat(refresher.current("p").orElseThrow().expired()).isTrue();
        assertThat(events.failures).hasSizeGreaterThanOrEqualTo(2);

        function.failFirst = 0;
        clock.advance(Duration.ofSeconds(31)); // past the 30 s backoff cap
        refresher.tick();
        Snapshot<String> back = refresher.current("p").orElseThrow();
        assertThat(back.expired()).isFalse();
        assertThat(back.state(clock.instant())).isEqualTo(Snapshot.State.FRESH);
        assertThat(events.refreshed).containsExactly("p");
        assertThat(events.expired).hasSize(1);
    }

    @Test
    void failure_whoseRetryWouldFallAfterTheEnd_isNotRetried() {
        Instant end = T0.plus(HOUR).plusSeconds(1);
        Refresher<String, String> refresher = start(builder().end(end)
                .backoff(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMinutes(20))));
        Counting function = new Counting("v", HOUR).failingFirst(1);
        refresher.register("p", value("v0", T0, HOUR), function);

        clock.set(refresher.current("p").orElseThrow().advisoryRefresh());
        refresher.tick();
        assertThat(events.failures).hasSize(1);
        assertThat(events.failures.get(0).nextAttempt()).isEmpty();
        clock.set(end.minusMillis(1));
        refresher.tick();
        assertThat(function.calls()).isEqualTo(1);
    }

    @Test
    void throwingListener_neverKillsTheScheduler() {
        Recorder throwing = new Recorder() {
            @Override
            public void onRefreshed(String key, Snapshot<String> snapshot) {
                super.onRefreshed(key, snapshot);
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onSessionEnding(Instant end, Duration left) {
                super.onSessionEnding(end, left);
                throw new IllegalStateException("listener bug");
            }
        };
        Instant end = T0.plus(Duration.ofMinutes(150));
        Refresher<String, String> refresher = start(Refresher.<String, String>builder().clock(clock)
                .policy(RefreshPolicy.standard(new Random(1))).listener(throwing).end(end));
        Counting function = new Counting("v", HOUR);
        refresher.register("p", value("v0", T0, HOUR), function);

        for (int cycle = 1; cycle <= 2; cycle++) {
            clock.set(refresher.current("p").orElseThrow().advisoryRefresh());
            refresher.tick();
            assertThat(function.calls()).isEqualTo(cycle);
        }
        assertThat(throwing.refreshed).hasSize(2);
        clock.set(end.minus(Duration.ofMinutes(15)));
        refresher.tick();
        assertThat(throwing.sessionEnding).hasSize(1);
        assertThat(refresher.threads().get(0).isAlive()).isTrue();
        clock.set(end);
        refresher.tick();
        assertThat(throwing.lifetimeEnded).containsExactly(end);
    }

    // ---------------------------------------------------------------------------------------------
    // Lifetime

    @Test
    void lifetimeEnd_firesSessionEndingThenLifetimeEnded_andStopsEveryThread() throws Exception {
        Instant end = T0.plus(Duration.ofMinutes(90));
        Refresher<String, String> refresher = start(builder().end(end));
        refresher.register("p", value("v0", T0, HOUR), new Counting("v", HOUR).cappedAt(end));

        clock.set(end.minus(Duration.ofMinutes(15)).minusMillis(1));
        refresher.tick();
        assertThat(events.sessionEnding).isEmpty();
        clock.set(end.minus(Duration.ofMinutes(15)));
        refresher.tick();
        assertThat(events.sessionEnding).containsExactly(Duration.ofMinutes(15));

        clock.set(end);
        refresher.tick();
        assertThat(events.lifetimeEnded).containsExactly(end);
        assertThat(refresher.awaitTermination(Duration.ofSeconds(WAIT))).isTrue();
        assertThat(refresher.isStopped()).isTrue();
        assertNoThreadAlive(refresher);
        assertThat(refresher.current("p")).isPresent();
        assertThatThrownBy(() -> refresher.register("q", value("v", end, HOUR), new Counting("q", HOUR)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void valueOutlastingTheLifetime_isNeverRefreshed() {
        Refresher<String, String> refresher = start(builder().end(T0.plus(Duration.ofMinutes(50))));
        Counting function = new Counting("v", HOUR);
        refresher.register("p", value("v0", T0, HOUR), function);
        clock.set(T0.plus(Duration.ofMinutes(50)).minusMillis(1));
        refresher.tick();
        assertThat(function.calls()).isZero();
    }

    @Test
    void extend_pushesTheEndOut_rearmsSessionEnding_keepsKeys_andUsesTheSwappedFunction() {
        Refresher<String, String> refresher = start(builder().end(T0.plus(HOUR)));
        Counting oldSession = new Counting("old", HOUR);
        refresher.register("p", value("v0", T0, HOUR), oldSession);
        refresher.register("q", value("w0", T0, HOUR), oldSession);

        clock.set(T0.plus(Duration.ofMinutes(55)));
        refresher.tick();
        assertThat(events.sessionEnding).hasSize(1);
        assertThat(oldSession.calls()).isZero(); // the values last until the end

        Instant newEnd = T0.plus(Duration.ofHours(3));
        Counting newSession = new Counting("new", HOUR).cappedAt(newEnd);
        refresher.replaceRefreshFunction("p", newSession);
        refresher.replaceRefreshFunction("q", newSession);
        refresher.extend(newEnd);
        refresher.tick();
        assertThat(refresher.end()).contains(newEnd);
        assertThat(newSession.calls()).isEqualTo(2);
        assertThat(refresher.currentAll().values()).extracting(Snapshot::value).allMatch(v -> v.startsWith("new"));
        assertThat(events.sessionEnding).hasSize(1);

        clock.set(newEnd.minus(Duration.ofMinutes(15)));
        refresher.tick();
        assertThat(events.sessionEnding).hasSize(2);
        assertThat(refresher.currentAll()).containsOnlyKeys("p", "q");
        assertThat(oldSession.calls()).isZero();
        assertThatThrownBy(() -> refresher.extend(T0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------
    // Threads

    @Test
    void close_duringRefreshes_stopsAndJoinsEveryThread() throws Exception {
        Refresher<String, String> refresher = start(builder().workers(3));
        Blocking function = new Blocking(3);
        List<CompletableFuture<Snapshot<String>>> flights = new ArrayList<>();
        for (String key : List.of("a", "b", "c", "d")) {
            refresher.register(key, value("v0", T0, HOUR), function);
            flights.add(refresher.refreshNow(key));
        }
        assertThat(function.entered.await(WAIT, TimeUnit.SECONDS)).isTrue();

        List<Thread> ours = refresher.threads();
        assertThat(ours).hasSize(4).allMatch(Thread::isDaemon)
                .extracting(Thread::getName).allMatch(name -> name.matches("stsfleet-refresh-\\d+"));

        refresher.close();

        Set<Thread> alive = Thread.getAllStackTraces().keySet();
        assertThat(alive).doesNotContainAnyElementsOf(ours);
        Set<String> names = ours.stream().map(Thread::getName).collect(Collectors.toSet());
        assertThat(alive).extracting(Thread::getName).doesNotContainAnyElementsOf(names);
        assertThat(flights).allMatch(CompletableFuture::isDone);
        assertThat(refresher.current("a").orElseThrow().value()).isEqualTo("v0");
        assertThatThrownBy(() -> refresher.refreshNow("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void logs_neverShowTheValues() throws Exception {
        String secret = "SECRET-wJalrXUtnFEMI-K7MDENG";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Instant end = T0.plus(Duration.ofHours(2));
            Refresher<String, String> refresher = start(builder().end(end));
            Counting function = new Counting(secret, HOUR).failingFirst(1);
            refresher.register("p", value(secret + "0", T0, HOUR), function);
            for (int i = 0; i < 130; i++) {
                clock.advance(Duration.ofMinutes(1));
                refresher.tick();
            }
            assertThat(function.calls()).isGreaterThanOrEqualTo(2);
        } finally {
            System.setErr(original);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("refresh cycle 1").contains("refresh attempt 1 failed")
                .contains("lifetime ended").doesNotContain(secret);
    }

    @Test
    void builder_rejectsNonsense() {
        assertThatThrownBy(() -> Refresher.builder().workers(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Refresher.builder().rateLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Refresher.builder().sessionEndingNotice(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------

    private Refresher.Builder<String, String> builder() {
        return Refresher.<String, String>builder().clock(clock).policy(RefreshPolicy.standard(new Random(42)))
                .listener(events);
    }

    private Refresher<String, String> start(Refresher.Builder<String, String> builder) {
        Refresher<String, String> refresher = builder.build();
        refreshers.add(refresher);
        return refresher;
    }

    private static Expiring<String> value(String value, Instant issued, Duration life) {
        return new Expiring<>(value, issued, issued.plus(life));
    }

    private static void assertNoThreadAlive(Refresher<?, ?> refresher) {
        assertThat(Thread.getAllStackTraces().keySet()).doesNotContainAnyElementsOf(refresher.threads());
        assertThat(refresher.threads()).noneMatch(Thread::isAlive);
    }

    /** A refresh function that counts its calls and returns values issued at the clock's now. */
    private final class Counting implements RefreshFunction<String, String> {
        private final String prefix;
        private final Duration life;
        private final AtomicInteger calls = new AtomicInteger();
        final List<Instant> calledAt = new CopyOnWriteArrayList<>();
        volatile int failFirst;
        private Instant cap = Instant.MAX;

        Counting(String prefix, Duration life) {
            this.prefix = prefix;
            this.life = life;
        }

        Counting failingFirst(int failures) {
            this.failFirst = failures;
            return this;
        }

        /** Like STS: a value never outlives the session that made it. */
        Counting cappedAt(Instant end) {
            this.cap = end;
            return this;
        }

        int calls() {
            return calls.get();
        }

        @Override
        public Expiring<String> refresh(String key) {
            int call = calls.incrementAndGet();
            Instant now = clock.instant();
            calledAt.add(now);
            if (call <= failFirst) {
                throw new IllegalStateException("Throttling: rate exceeded (call " + call + ")");
            }
            Instant expiry = now.plus(life).isAfter(cap) ? cap : now.plus(life);
            return new Expiring<>(prefix + call, now, expiry);
        }
    }

    /** A refresh function that blocks until released, counting how many run at once. */
    private final class Blocking implements RefreshFunction<String, String> {
        final CountDownLatch entered;
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();

        Blocking() {
            this(1);
        }

        Blocking(int entries) {
            this.entered = new CountDownLatch(entries);
        }

        @Override
        public Expiring<String> refresh(String key) throws InterruptedException {
            int call = calls.incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                entered.countDown();
                release.await();
                return new Expiring<>("blocked-" + call, clock.instant(), clock.instant().plus(HOUR));
            } finally {
                concurrent.decrementAndGet();
            }
        }
    }

    private static final class AccessDenied extends Exception {
        AccessDenied() {
            super("AccessDenied: not authorized to perform sts:AssumeRole");
        }
    }

    record Failure(String key, int attempt, Optional<Instant> nextAttempt) {
    }

    /** Records every event; thread-safe. */
    private static class Recorder implements RefreshListener<String, String> {
        final List<String> refreshed = new CopyOnWriteArrayList<>();
        final List<Failure> failures = new CopyOnWriteArrayList<>();
        final List<String> expired = new CopyOnWriteArrayList<>();
        final List<Duration> sessionEnding = new CopyOnWriteArrayList<>();
        final List<Instant> lifetimeEnded = new CopyOnWriteArrayList<>();

        @Override
        public void onRefreshed(String key, Snapshot<String> snapshot) {
            refreshed.add(key);
        }

        @Override
        public void onRefreshFailed(String key, Throwable cause, int attempt, Optional<Instant> nextAttempt) {
            failures.add(new Failure(key, attempt, nextAttempt));
        }

        @Override
        public void onExpired(String key, Snapshot<String> last) {
            expired.add(key);
        }

        @Override
        public void onSessionEnding(Instant end, Duration left) {
            sessionEnding.add(left);
        }

        @Override
        public void onLifetimeEnded(Instant end) {
            lifetimeEnded.add(end);
        }
    }
}
