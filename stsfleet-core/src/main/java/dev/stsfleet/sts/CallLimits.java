package dev.stsfleet.sts;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one AWS call may take: the TCP connect deadline of each attempt, and the deadline of the whole call,
 * its retries and backoffs included. Every SDK client stsfleet builds (STS, AWS Organizations, IAM Identity
 * Center) takes one and applies it through {@link SdkClients}. An immutable value; thread-safe.
 *
 * @param connectTimeout how long opening a TCP connection may take: a live endpoint on any network answers well
 *                       within the default, so an unreachable one is reported soon
 * @param callTimeout    the deadline of one call, all its attempts and backoffs included (also the longest wait
 *                       for one read of an answer): an endpoint that accepts and never answers fails after it
 */
public record CallLimits(Duration connectTimeout, Duration callTimeout) {
    /** The default connect deadline: 2 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The default call deadline: 30 seconds. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Both defaults. */
    public static final CallLimits DEFAULT = new CallLimits(DEFAULT_CONNECT_TIMEOUT, DEFAULT_CALL_TIMEOUT);

    /**
     * @throws IllegalArgumentException when a deadline is zero or negative
     */
    public CallLimits {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(callTimeout, "callTimeout");
    }

    /** These limits with another connect deadline. */
    public CallLimits withConnectTimeout(Duration connectTimeout) {
        return new CallLimits(connectTimeout, callTimeout);
    }

    /** These limits with another call deadline. */
    public CallLimits withCallTimeout(Duration callTimeout) {
        return new CallLimits(connectTimeout, callTimeout);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
