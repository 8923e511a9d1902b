package dev.stsfleet.sandbox;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Injected faults: a fixed latency (applied by the handler without holding a request thread), a token-bucket rate limit (burst = one second's worth) and a share
 * of HTTP 500s. Rate limiting runs on the monotonic clock, not the sandbox clock, so a frozen test clock
 * does not starve it. Thread-safe.
 */
final class Faults {
    private final Duration latency;
    private final double throttleRps;
    /** Changeable while running, so a test can inject errors into one phase only (e.g. refresh). */
    private volatile double errorRate;
    private final double capacity;
    private double tokens;
    private long lastRefillNanos;

    Faults(Duration latency, double throttleRps, double errorRate) {
        this.latency = latency;
        this.throttleRps = throttleRps;
        this.errorRate = errorRate;
        this.capacity = Math.max(1.0, throttleRps);
        this.tokens = capacity;
        this.lastRefillNanos = System.nanoTime();
    }

    /** The delay before every STS and federation answer; zero for none. */
    Duration latency() {
        return latency;
    }

    void errorRate(double share) {
        this.errorRate = share;
    }

    /** @throws StsError Throttling when the bucket is empty, InternalFailure for the injected share */
    void apply() {
        if (throttleRps > 0 && !takeToken()) {
            throw StsError.sender(400, "Throttling", "Rate exceeded");
        }
        if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
            throw StsError.receiver(500, "InternalFailure",
                    "The request processing has failed because of an unknown error, exception or failure.");
        }
    }

    private synchronized boolean takeToken() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastRefillNanos) / 1e9 * throttleRps);
        lastRefillNanos = now;
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }
}
