package dev.stsfleet.sts;

import java.util.Locale;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An AIMD limit on the STS attempts in flight (TCP's congestion window, applied to calls): a success adds
 * {@code 1/limit} (one per round trip's worth of successes), a {@code Throttling} answer multiplies the
 * limit by the backoff ratio, between a floor of one and a ceiling.
 *
 * <p>At most one decrease per round trip: every permit remembers the decrease count ("epoch") when it was
 * taken, and only a throttle of an attempt sent after the latest decrease decreases again. An attempt sent
 * before it says nothing about the new, lower limit; a burst of throttles answering the same window
 * therefore cuts once. Defining the window by send order needs no round-trip estimate and no clock.
 *
 * <p>It limits attempts in flight rather than a send rate: in-flight limiting is self-clocking (a new
 * attempt starts only when one ends), so it follows latency changes by itself, while a rate limiter has to
 * estimate the server's rate and, in the SDK's adaptive mode, collapses under a burst of throttles.
 *
 * <p>Thread-safe. Every {@link Permit} must be released exactly once; releasing again is a no-op, and
 * {@link Permit#close()} releases with no signal, so try-with-resources returns it on every exit path.
 */
final class AimdLimiter {
    /** What the attempt holding a permit ended with. */
    enum Outcome {
        /** An answer that was not a throttle: the limit may grow. */
        SUCCESS,
        /** A {@code Throttling} answer: the limit shrinks (once per window). */
        THROTTLED,
        /** Neither signal: an IO error, another failure, an interrupt, an abandoned attempt. */
        IGNORED
    }

    private final int ceiling;
    private final double backoffRatio;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    // Guarded by lock.
    private double limit;
    private int inFlight;
    private long epoch;
    private long decreases;

    /**
     * @param initial      the starting limit, 1 to {@code ceiling}
     * @param ceiling      the highest limit (the configured concurrency)
     * @param backoffRatio the factor of a decrease, above 0 and below 1
     */
    AimdLimiter(int initial, int ceiling, double backoffRatio) {
        if (ceiling < 1 || initial < 1 || initial > ceiling) {
            throw new IllegalArgumentException("need 1 <= initial <= ceiling, not " + initial + " and " + ceiling);
        }
        if (!(backoffRatio > 0 && backoffRatio < 1)) {
            throw new IllegalArgumentException("the backoff ratio must be between 0 and 1, not " + backoffRatio);
        }
        this.ceiling = ceiling;
        this.backoffRatio = backoffRatio;
        this.limit = initial;
    }

    /**
     * Waits until fewer attempts than the limit are in flight, then counts one more.
     *
     * @throws InterruptedException when interrupted while waiting (no permit is then held)
     */
    Permit acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (inFlight >= (int) limit) {
                freed.await();
            }
            inFlight++;
            return new Permit(epoch);
        } finally {
            lock.unlock();
        }
    }

    /** The current limit, rounded down: how many attempts may be in flight. */
    int limit() {
        lock.lock();
        try {
            return (int) limit;
        } finally {
            lock.unlock();
        }
    }

    /** The attempts in flight now. */
    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** How many times the limit was cut. */
    long decreases() {
        lock.lock();
        try {
            return decreases;
        } finally {
            lock.unlock();
        }
    }

    int ceiling() {
        return ceiling;
    }

    /** @return whether this release cut the limit */
    private boolean release(Permit permit, Outcome outcome) {
        lock.lock();
        try {
            if (permit.released) {
                return false;
            }
            permit.released = true;
            inFlight--;
            boolean cut = false;
            if (outcome == Outcome.SUCCESS) {
                limit = Math.min(ceiling, limit + 1.0 / limit);
            } else if (outcome == Outcome.THROTTLED && permit.epoch == epoch) {
                limit = Math.max(1.0, limit * backoffRatio);
                epoch++;
                decreases++;
                cut = true;
            }
            // A release frees a slot, and a growing limit may free several.
            freed.signalAll();
            return cut;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return String.format(Locale.ROOT, "AimdLimiter[limit=%.2f, inFlight=%d, ceiling=%d, decreases=%d]",
                    limit, inFlight, ceiling, decreases);
        } finally {
            lock.unlock();
        }
    }

    /** One attempt's place in flight. Not thread-safe itself: the attempt's own thread releases it. */
    final class Permit implements AutoCloseable {
        private final long epoch;
        // Guarded by the limiter's lock.
        private boolean released;

        private Permit(long epoch) {
            this.epoch = epoch;
        }

        /**
         * Returns the permit with what its attempt ended with; later calls are no-ops.
         *
         * @return whether this release cut the limit
         */
        boolean release(Outcome outcome) {
            return AimdLimiter.this.release(this, outcome);
        }

        /** Returns the permit without a signal, if it was not returned yet. */
        @Override
        public void close() {
            release(Outcome.IGNORED);
        }
    }
}
