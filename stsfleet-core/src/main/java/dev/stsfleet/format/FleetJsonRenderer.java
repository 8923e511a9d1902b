package dev.stsfleet.format;

import dev.stsfleet.FleetResult;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The full result of a bulk call as one JSON document:
 * <pre>{@code
 * {"credentials": {<the boto map>},
 *  "failures": {"<profile>": {"code": "...", "message": "..."}},
 *  "summary": {"requested": N, "succeeded": N, "failed": N, "seconds": S}}
 * }</pre>
 * {@code seconds} is the wall time with millisecond precision. Pure: writes to the given
 * {@link Writer}, which it flushes and never closes. Stateless and thread-safe.
 */
public final class FleetJsonRenderer {
    private FleetJsonRenderer() {
    }

    public static void render(FleetResult result, Writer out) {
        render(result, Map.of(), out);
    }

    /** {@link #render(FleetResult, Writer)} with more members in {@code summary} (e.g. STS calls per region). */
    public static void render(FleetResult result, Map<String, ?> extraSummary, Writer out) {
        Map<String, Object> failures = new LinkedHashMap<>();
        result.failures().forEach((profile, f) -> {
            Map<String, String> failure = new LinkedHashMap<>();
            failure.put("code", f.code());
            failure.put("message", f.message());
            failures.put(profile, failure);
        });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("requested", result.requested());
        summary.put("succeeded", result.succeeded());
        summary.put("failed", result.requested() - result.succeeded());
        // BigDecimal, not double: 1.5 prints as 1.5, never as 1.5000000000000002.
        summary.put("seconds", BigDecimal.valueOf(result.elapsed().toMillis(), 3).stripTrailingZeros());
        summary.putAll(extraSummary);

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("credentials", result.boto());
        doc.put("failures", failures);
        doc.put("summary", summary);
        Json.pretty(doc, out);
    }
}
