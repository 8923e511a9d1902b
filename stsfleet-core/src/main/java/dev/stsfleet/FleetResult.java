package dev.stsfleet;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one bulk call: every requested profile, keyed {@code sts-<profile>}, in request order,
 * as credentials or a failure. Immutable.
 */
public final class FleetResult {
    private static final String PREFIX = "sts-";
    private final Map<String, ProfileResult> results;
    private final Duration elapsed;

    public FleetResult(Map<String, ProfileResult> results, Duration elapsed) {
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    }

    /** The key of a profile's entry: {@code sts-<profile>}. */
    public static String keyOf(String profile) {
        return PREFIX + profile;
    }

    /** Every entry, keyed {@code sts-<profile>}, in request order. */
    public Map<String, ProfileResult> results() {
        return results;
    }

    /** The successful entries, keyed {@code sts-<profile>}. */
    public Map<String, RoleCredentials> credentials() {
        Map<String, RoleCredentials> out = new LinkedHashMap<>();
        results.forEach((key, r) -> {
            if (r instanceof ProfileResult.Succeeded s) {
                out.put(key, s.credentials());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** The failed entries, keyed by profile name. */
    public Map<String, ProfileResult.Failed> failures() {
        Map<String, ProfileResult.Failed> out = new LinkedHashMap<>();
        results.values().forEach(r -> {
            if (r instanceof ProfileResult.Failed f) {
                out.put(f.profile(), f);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** The successful entries in the boto shape: {@code sts-<profile>} to the STS field map. */
    public Map<String, Map<String, String>> boto() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        credentials().forEach((key, c) -> out.put(key, c.credentials().botoView()));
        return Collections.unmodifiableMap(out);
    }

    public int requested() {
        return results.size();
    }

    public int succeeded() {
        return results.size() - failures().size();
    }

    public boolean allSucceeded() {
        return results.values().stream().allMatch(ProfileResult::succeeded);
    }

    /** Wall time of the bulk call. */
    public Duration elapsed() {
        return elapsed;
    }

    @Override
    public String toString() {
        return "FleetResult[requested=" + requested() + ", succeeded=" + succeeded()
                + ", failed=" + failures().keySet() + ", elapsed=" + elapsed + "]";
    }
}
