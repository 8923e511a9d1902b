package dev.stsfleet.sandbox.junit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: give the same instance to the sandbox and to the code under
 * test, so signatures, expirations and refresh deadlines agree, and move it instead of sleeping.
 *
 * <pre>{@code
 * TestClock clock = new TestClock();                 // the current second, UTC
 * @RegisterExtension StsSandboxExtension sts = StsSandboxExtension.builder().clock(clock).build();
 * ...
 * clock.advance(Duration.ofMinutes(50));             // credentials are now near their end
 * }</pre>
 *
 * The default start is the current second of the system clock, so requests signed with this clock stay within
 * the sandbox's (and AWS's) allowed skew. Always in UTC: {@link #withZone} returns this clock.
 * Thread-safe: readers on other threads see every move.
 */
public final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    /** Starts at the current second (system clock, sub-second part dropped). */
    public TestClock() {
        this(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Starts at {@code start}. */
    public TestClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    /** Moves the clock by {@code duration} (negative moves it back) and returns the new instant. */
    public Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        return now.updateAndGet(t -> t.plus(duration));
    }

    /** Puts the clock at {@code instant}. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** A test clock stays in UTC: returns this clock, so a zoned copy still moves with the test. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public String toString() {
        return "TestClock[" + now.get() + "]";
    }
}
