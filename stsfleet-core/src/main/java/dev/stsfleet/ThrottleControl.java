package dev.stsfleet;

/**
 * How the STS gateway reacts to {@code Throttling} answers beyond retrying them: STS limits each caller
 * account's request rate, and a bulk run far above it wastes round trips and backoff time.
 */
public enum ThrottleControl {
    /**
     * No control: every worker sends as soon as it can; throttled calls are retried with jittered
     * exponential backoff by the SDK's standard retry strategy.
     */
    OFF,
    /**
     * An AIMD limit on the STS attempts in flight through one gateway (every attempt, retries included):
     * it starts at the configured concurrency, grows by one per round trip's worth of successes, and is
     * halved on a {@code Throttling} answer, at most once per round trip, never below one.
     * Throttled calls are retried as with {@link #OFF}. The default: in the benchmark (BENCHMARKS.md,
     * scenario 5) it was as fast as {@link #OFF} or faster, with fewer throttles, at every setting.
     */
    AIMD,
    /**
     * The AWS SDK's own adaptive retry strategy (a client-side CUBIC send-rate limiter), with stsfleet's
     * retry predicates and the retry quota off. Kept so it can be measured; not the default, because its
     * rate estimate collapses under the burst of throttles a bulk run causes: at 600 requests per second
     * and 50 ms latency, 3,000 roles took 140 s at concurrency 64 (6.4 s with {@link #OFF}, 5.9 s with
     * {@link #AIMD}).
     */
    SDK_ADAPTIVE
}
