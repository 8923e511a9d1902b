package dev.stsfleet.sandbox;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Injected faults: a fixed latency (applied by the handler without holding a request thread), a token-bucket
 * rate limit per region (burst = one second's worth; AWS's STS quota is per account per Region, and the
 * region is the one a request is signed for), regions disabled for some accounts, and HTTP 500s (a random share, or
 * every n-th request). Rate limiting runs on the monotonic clock, not the sandbox clock, so a frozen test clock
 * does not starve it. Thread-safe.
 */
final class Faults {
    private final Duration latency;
    private final double throttleRps;
    /** Changeable while running, so a test can inject errors into one phase only (e.g. refresh). */
    private volatile double errorRate;
    /** Every n-th request (counted from the change) is an InternalFailure; 0 for none. Deterministic. */
    private volatile int errorEvery;
    private final AtomicLong counted = new AtomicLong();
    private final double capacity;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** {@code ACCOUNT:REGION} pairs answered RegionDisabledException. */
    private final Set<String> disabledRegions;

    Faults(Duration latency, double throttleRps, double errorRate, Set<String> disabledRegions) {
        this.latency = latency;
        this.throttleRps = throttleRps;
        this.errorRate = errorRate;
        this.capacity = Math.max(1.0, throttleRps);
        this.disabledRegions = Set.copyOf(disabledRegions);
    }

    /** Whether STS in {@code region} is off for {@code account} (as if the account never enabled it). */
    boolean regionDisabled(String account, String region) {
        return !disabledRegions.isEmpty() && disabledRegions.contains(account + ":" + region);
    }

    /** The delay before every STS and federation answer; zero for none. */
    Duration latency() {
        return latency;
    }

    void errorRate(double share) {
        this.errorRate = share;
    }

    void errorEvery(int n) {
        counted.set(0);
        this.errorEvery = n;
    }

    /** @throws StsError Throttling when {@code region}'s bucket is empty, InternalFailure for the injected share */
    void apply(String region) {
        if (throttleRps > 0 && !buckets.computeIfAbsent(region, r -> new Bucket()).take()) {
            throw StsError.sender(400, "Throttling", "Rate exceeded");
        }
        int every = errorEvery;
        if (every > 0 && counted.incrementAndGet() % every == 0
                || errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
            throw StsError.receiver(500, "InternalFailure",
                    "The request processing has failed because of an unknown error, exception or failure.");
        }
    }

    /** One region's token bucket. */
    private final class Bucket {
        private double tokens = capacity;
        private long lastRefillNanos = System.nanoTime();

        synchronized boolean take() {
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
}
