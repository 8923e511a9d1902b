package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.sts.AimdLimiter.Outcome;
import dev.stsfleet.sts.AimdLimiter.Permit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The limiter's arithmetic. The window is defined by send order (an epoch per decrease), so these tests
 * need no clock: which permits were taken before a decrease is fixed by the order of the calls.
 */
class AimdLimiterTest {

    private static List<Permit> take(AimdLimiter limiter, int n) throws InterruptedException {
        List<Permit> permits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            permits.add(limiter.acquire());
        }
        return permits;
    }

    @Test
    void startsAtTheInitialLimit_andCountsPermitsInFlight() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(4, 8, 0.5);

        List<Permit> permits = take(limiter, 3);

        assertThat(limiter.limit()).isEqualTo(4);
        assertThat(limiter.inFlight()).isEqualTo(3);
        permits.forEach(Permit::close);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void success_addsOneOverTheLimit_soAFullWindowOfSuccessesAddsAboutOne() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(4, 100, 0.5);

        limiter.acquire().release(Outcome.SUCCESS);
        assertThat(limiter.limit()).isEqualTo(4); // 4.25
        for (int i = 0; i < 3; i++) {
            limiter.acquire().release(Outcome.SUCCESS);
        }
        // 4 + 1/4 + 1/4.25 + 1/4.49 + 1/4.71 = 4.93: still 4; the next success passes 5.
        assertThat(limiter.limit()).isEqualTo(4);
        limiter.acquire().release(Outcome.SUCCESS);
        assertThat(limiter.limit()).isEqualTo(5);
    }

    @Test
    void increase_stopsAtTheCeiling() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(2, 3, 0.5);

        for (int i = 0; i < 100; i++) {
            limiter.acquire().release(Outcome.SUCCESS);
        }

        assertThat(limiter.limit()).isEqualTo(3);
    }

    @Test
    void throttle_multipliesTheLimitByTheRatio() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(32, 32, 0.75);

        boolean cut = limiter.acquire().release(Outcome.THROTTLED);

        assertThat(cut).isTrue();
        assertThat(limiter.limit()).isEqualTo(24);
        assertThat(limiter.decreases()).isEqualTo(1);
    }

    @Test
    void aBurstOfThrottlesFromOneWindow_decreasesOnce() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(16, 16, 0.5);
        List<Permit> window = take(limiter, 16);

        window.forEach(p -> p.release(Outcome.THROTTLED));

        assertThat(limiter.limit()).isEqualTo(8);
        assertThat(limiter.decreases()).isEqualTo(1);
    }

    @Test
    void aThrottleOfAnAttemptSentAfterTheDecrease_decreasesAgain() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(16, 16, 0.5);
        List<Permit> first = take(limiter, 4);
        first.get(0).release(Outcome.THROTTLED); // 16 -> 8
        Permit sentAfter = limiter.acquire();

        first.get(1).release(Outcome.THROTTLED); // same window: ignored
        sentAfter.release(Outcome.THROTTLED);    // next window: 8 -> 4
        first.get(2).release(Outcome.THROTTLED); // the first window still: ignored

        assertThat(limiter.limit()).isEqualTo(4);
        assertThat(limiter.decreases()).isEqualTo(2);
        first.get(3).close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void decrease_neverGoesBelowOne() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(3, 3, 0.5);

        for (int i = 0; i < 10; i++) {
            limiter.acquire().release(Outcome.THROTTLED);
        }

        assertThat(limiter.limit()).isEqualTo(1);
        assertThat(limiter.decreases()).isEqualTo(10);
        // Still usable: one attempt may go.
        limiter.acquire().close();
    }

    @Test
    void ignoredOutcome_changesNothingButReturnsThePermit() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(5, 10, 0.5);

        limiter.acquire().release(Outcome.IGNORED);

        assertThat(limiter.limit()).isEqualTo(5);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.decreases()).isZero();
    }

    @Test
    void releasingTwice_countsOnce() throws InterruptedException {
        AimdLimiter limiter = new AimdLimiter(8, 8, 0.5);
        Permit a = limiter.acquire();
        Permit b = limiter.acquire();

        assertThat(a.release(Outcome.THROTTLED)).isTrue();
        a.close();
        assertThat(a.release(Outcome.THROTTLED)).isFalse();

        assertThat(limiter.inFlight()).isEqualTo(1);
        assertThat(limiter.limit()).isEqualTo(4);
        b.close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void atTheLimit_acquireWaits_untilAPermitIsReturned() throws Exception {
        AimdLimiter limiter = new AimdLimiter(2, 2, 0.5);
        List<Permit> held = take(limiter, 2);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Permit> waiting = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return limiter.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        started.await();

        assertThat(waiting).isNotDone();
        held.get(0).release(Outcome.SUCCESS);

        Permit third = waiting.get(30, TimeUnit.SECONDS);
        assertThat(limiter.inFlight()).isEqualTo(2);
        third.close();
        held.get(1).close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void afterADecrease_newAttemptsWaitUntilInFlightIsBelowTheNewLimit() throws Exception {
        AimdLimiter limiter = new AimdLimiter(4, 4, 0.5);
        List<Permit> held = take(limiter, 4);
        held.get(0).release(Outcome.THROTTLED); // limit 2, still 3 in flight
        CompletableFuture<Permit> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return limiter.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        held.get(1).close(); // 2 in flight: not yet
        assertThat(limiter.inFlight()).isEqualTo(2);
        held.get(2).close(); // 1 in flight: one may go
        Permit next = waiting.get(30, TimeUnit.SECONDS);

        assertThat(limiter.inFlight()).isEqualTo(2);
        next.close();
        held.get(3).close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void interruptedWhileWaiting_throws_andHoldsNoPermit() throws Exception {
        AimdLimiter limiter = new AimdLimiter(1, 1, 0.5);
        Permit held = limiter.acquire();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                limiter.acquire();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(limiter.inFlight()).isEqualTo(1);
        held.close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void badSettings_areRefused() {
        assertThatThrownBy(() -> new AimdLimiter(0, 4, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AimdLimiter(5, 4, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AimdLimiter(4, 4, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AimdLimiter(4, 4, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
