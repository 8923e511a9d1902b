package dev.stsfleet.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Random;

/**
 * The margins of {@link RefreshPolicy#standard()}. Each margin is a fixed duration for real hour-long
 * sessions and a share of the lifetime for short (scaled) ones, whichever is smaller, so that a 36 s
 * sandbox session behaves like a one-hour AWS session seen through a magnifying glass.
 */
final class StandardRefreshPolicy implements RefreshPolicy {
    /** Never hand out a value with less than this left (hour-long sessions)... */
    static final Duration MANDATORY_LEAD = Duration.ofMinutes(2);
    /** ...or than this share of its lifetime (short sessions). */
    static final double MANDATORY_SHARE = 0.05;
    /** The advisory refresh is at least this long before expiry... */
    static final Duration ADVISORY_LEAD = Duration.ofMinutes(10);
    static final double ADVISORY_SHARE = 0.15;
    /** ...plus a random jitter up to this, so values issued together do not renew together. */
    static final Duration JITTER = Duration.ofMinutes(5);
    static final double JITTER_SHARE = 0.15;

    private final Random jitter;

    StandardRefreshPolicy(Random jitter) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
    }

    @Override
    public Times times(Instant issued, Instant expiry) {
        long lifeMillis = Math.max(0, Duration.between(issued, expiry).toMillis());
        long mandatoryLead = Math.min(MANDATORY_LEAD.toMillis(), (long) (lifeMillis * MANDATORY_SHARE));
        long advisoryLead = Math.min(ADVISORY_LEAD.toMillis(), (long) (lifeMillis * ADVISORY_SHARE));
        long jitterRange = Math.min(JITTER.toMillis(), (long) (lifeMillis * JITTER_SHARE));
        long jitterMillis = jitterRange <= 0 ? 0 : (long) (jitter.nextDouble() * jitterRange);
        long lead = Math.max(mandatoryLead, Math.min(lifeMillis, advisoryLead + jitterMillis));
        return new Times(expiry.minusMillis(lead), expiry.minusMillis(mandatoryLead));
    }

    @Override
    public String toString() {
        return "StandardRefreshPolicy";
    }
}
