package dev.stsfleet.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * The one freshness rule: when a value with a lifetime ({@code issued -> expiry}) should be renewed
 * (advisory) and when it must no longer be handed out (mandatory). Every cache of credentials uses it:
 * background refresh ({@link #standard()}), the on-disk session and credential caches and the command's fast
 * path ({@link #remaining(Duration)} with {@link #CACHE_MARGIN}), and the session providers' in-memory cache
 * ({@link #halfLife()}, the awsrun habit of renewing after half the lifetime). The variants are settings of
 * this one rule, each a {@link RefreshPolicy}. Stateless.
 */
public final class Freshness {
    /** A cached session or credential set is served only while more than this remains. */
    public static final Duration CACHE_MARGIN = Duration.ofMinutes(15);
    /** {@link #CACHE_MARGIN} in seconds, a compile-time constant for code that must not load this class. */
    public static final long CACHE_MARGIN_SECONDS = 900;
    /** The largest share of an MFA session's lifetime its cache margin may take (see {@link #remaining(Duration, double)}). */
    public static final double SESSION_SHARE = 0.25;

    private Freshness() {
    }

    /**
     * Background refresh: for an hour-long value the advisory instant 10 to 15 minutes before expiry
     * (jittered, so values issued together do not renew together), the mandatory one 2 minutes before; for
     * short (scaled) values the margins shrink in proportion.
     */
    public static RefreshPolicy standard() {
        return new StandardRefreshPolicy(new Random());
    }

    /** {@link #standard()} with a given jitter source (seed it for reproducible tests). */
    public static RefreshPolicy standard(Random jitter) {
        return new StandardRefreshPolicy(jitter);
    }

    /** Renewed, and no longer handed out, once half the lifetime has passed. */
    public static RefreshPolicy halfLife() {
        return (issued, expiry) -> {
            Instant half = expiry.isAfter(issued) ? issued.plus(Duration.between(issued, expiry).dividedBy(2)) : issued;
            return new RefreshPolicy.Times(half, half);
        };
    }

    /** Handed out only while more than {@code margin} remains (the credential_process cache: {@link #CACHE_MARGIN}). */
    public static RefreshPolicy remaining(Duration margin) {
        return remaining(margin, 1.0);
    }

    /**
     * Handed out only while more than {@code margin} remains, or for a value whose whole lifetime is short (the
     * sandbox's scaled sessions) more than {@code maxShare} of its lifetime, whichever is less: MFA sessions use
     * {@link #SESSION_SHARE}, so an hour-long session is kept to its last 15 minutes and a 36 s one to its last 9 s.
     */
    public static RefreshPolicy remaining(Duration margin, double maxShare) {
        return (issued, expiry) -> {
            long life = Math.max(0, Duration.between(issued, expiry).toMillis());
            Instant at = expiry.minusMillis(Math.min(margin.toMillis(), (long) (life * maxShare)));
            return new RefreshPolicy.Times(at, at);
        };
    }

    /** Whether a value issued at {@code issued} that expires at {@code expiry} may be handed out at {@code now}. */
    public static boolean usable(RefreshPolicy policy, Instant issued, Instant expiry, Instant now) {
        return now.isBefore(policy.times(issued, expiry).mandatory());
    }
}
