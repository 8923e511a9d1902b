package dev.stsfleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Hears what a fleet's background refresh does (see {@link StsFleet.Builder#listener}). Every method has
 * an empty default, so a listener overrides only what it needs. Methods are called on the fleet's
 * refresh threads ({@code stsfleet-refresh-N}), possibly at the same time for different profiles: they
 * must be thread-safe and quick (hand slow work, such as writing a file, to another thread or keep it
 * short). An exception thrown here is logged and ignored; it never stops the refresh.
 */
public interface FleetListener {
    /** A listener that does nothing. */
    FleetListener NONE = new FleetListener() {
    };

    /** A profile got new credentials; {@link StsFleet#currentCredentials()} already returns them. */
    default void onRefreshed(RoleCredentials credentials) {
    }

    /**
     * A refresh of {@code profile} failed; its old credentials are still served while they last.
     *
     * @param failure     AWS's code and message ({@code ClientError} for a failure before any answer)
     * @param attempt     failed attempts in a row for this profile, from 1
     * @param nextAttempt the next attempt; empty when none is scheduled: a non-recoverable failure
     *                    ({@code AccessDenied}, {@code ExpiredToken} of the session, {@code MfaRequired}) or no
     *                    attempt fits before the session ends
     */
    default void onRefreshFailed(String profile, StsCallException failure, int attempt,
                                 Optional<Instant> nextAttempt) {
    }

    /** The credentials of {@code profile} expired without a successful refresh: the profile is lost for now. */
    default void onExpired(String profile, RoleCredentials last) {
    }

    /**
     * Every profile was refreshed {@code cycle} times (or has nothing left to do).
     *
     * @param expected the expected number of cycles until the session ends (an estimate)
     * @param left     the time left until the session ends
     */
    default void onCycle(int cycle, int expected, int refreshed, Duration left) {
    }

    /**
     * The session token ends in {@code left} (the builder's {@code sessionEndingNotice} before its end);
     * {@link StsFleet#renewSession(String)} with a new MFA code extends the refresh.
     */
    default void onSessionEnding(Instant end, Duration left) {
    }

    /**
     * A newer session of one of the fleet's roots, stored in the session cache by another command (e.g.
     * {@code stsfleet session-token} in another terminal), was adopted: refresh goes on with it until it ends.
     */
    default void onSessionAdopted(SessionToken session) {
    }

    /** The session token has ended: background refresh has stopped and its threads end. */
    default void onLifetimeEnded(Instant end) {
    }
}
