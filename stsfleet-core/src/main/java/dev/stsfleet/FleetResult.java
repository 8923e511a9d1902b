package dev.stsfleet;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one bulk call: every requested profile, keyed {@code sts-<profile>}, in request order,
 * as credentials or a failure. Immutable; {@link #toString()} shows no secret.
 *
 * <p>The result knows the {@link OutputFormat} of the fleet that made it. {@link #view()} gives the
 * successful entries in that format: {@link RoleCredentials} values for {@link OutputFormat#VAULT},
 * STS-shaped string maps ({@link #boto()}) for {@link OutputFormat#BOTO}. The typed accessors
 * ({@link #results()}, {@link #credentials()}, {@link #failures()}, {@link #boto()}) work in either format.
 */
public final class FleetResult {
    private static final String PREFIX = "sts-";
    private final Map<String, ProfileResult> results;
    private final Duration elapsed;
    private final OutputFormat format;

    /** A result in the {@link OutputFormat#VAULT} format. */
    public FleetResult(Map<String, ProfileResult> results, Duration elapsed) {
        this(results, elapsed, OutputFormat.VAULT);
    }

    public FleetResult(Map<String, ProfileResult> results, Duration elapsed, OutputFormat format) {
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.format = Objects.requireNonNull(format, "format");
    }

    /** The format of the fleet that made this result; it decides what {@link #view()} returns. */
    public OutputFormat format() {
        return format;
    }

    /**
     * The successful entries, keyed {@code sts-<profile>}, in request order, in this result's format:
     * {@link RoleCredentials} for VAULT, {@code Map<String, String>} with {@code AccessKeyId,
     * SecretAccessKey, SessionToken, StartTime, Expiration} for BOTO (ready for a JSON writer).
     */
    public Map<String, Object> view() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (format == OutputFormat.BOTO) {
            out.putAll(boto());
        } else {
            out.putAll(credentials());
        }
        return Collections.unmodifiableMap(out);
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

    /** The failed entries, keyed like {@link #results()} ({@code sts-<profile>}), in request order. */
    public Map<String, ProfileResult.Failed> failures() {
        Map<String, ProfileResult.Failed> out = new LinkedHashMap<>();
        results.forEach((key, r) -> {
            if (r instanceof ProfileResult.Failed f) {
                out.put(key, f);
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

    public int failed() {
        return failures().size();
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
        return "FleetResult[format=" + format + ", requested=" + requested() + ", succeeded=" + succeeded()
                + ", failed=" + failures().keySet() + ", elapsed=" + elapsed + "]";
    }
}
