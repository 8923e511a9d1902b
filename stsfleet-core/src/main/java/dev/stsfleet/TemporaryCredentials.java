package dev.stsfleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * One set of STS temporary credentials. Immutable and thread-safe. {@link #toString()} shows only the
 * last four characters of the access key id and the expiry; the secret key and session token never.
 */
public final class TemporaryCredentials {
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final Instant start;
    private final Instant expiration;

    private TemporaryCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
                                 Instant start, Instant expiration) {
        this.accessKeyId = requireText(accessKeyId, "accessKeyId");
        this.secretAccessKey = requireText(secretAccessKey, "secretAccessKey");
        this.sessionToken = requireText(sessionToken, "sessionToken");
        this.start = Objects.requireNonNull(start, "start");
        this.expiration = Objects.requireNonNull(expiration, "expiration");
        if (expiration.isBefore(start)) {
            throw new IllegalArgumentException("expiration " + expiration + " is before start " + start);
        }
    }

    /**
     * @param start when the credentials were issued (STS does not say for AssumeRole; callers pass the
     *              time of the response)
     */
    public static TemporaryCredentials of(String accessKeyId, String secretAccessKey, String sessionToken,
                                          Instant start, Instant expiration) {
        return new TemporaryCredentials(accessKeyId, secretAccessKey, sessionToken, start, expiration);
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    public String sessionToken() {
        return sessionToken;
    }

    public Instant start() {
        return start;
    }

    public Instant expiration() {
        return expiration;
    }

    /** Time left before expiry at the clock's now; negative once expired. */
    public Duration remaining(Clock clock) {
        return Duration.between(clock.instant(), expiration);
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiration);
    }

    /** These credentials as an SDK value, with their expiration, for any AWS SDK v2 client. */
    public AwsSessionCredentials toSdkCredentials() {
        return AwsSessionCredentials.builder()
                .accessKeyId(accessKeyId)
                .secretAccessKey(secretAccessKey)
                .sessionToken(sessionToken)
                .expirationTime(expiration)
                .build();
    }

    /**
     * The "boto" view: STS's own field names, times as ISO-8601 UTC with second precision, in the order
     * {@code AccessKeyId, SecretAccessKey, SessionToken, StartTime, Expiration}.
     */
    public Map<String, String> botoView() {
        Map<String, String> view = new LinkedHashMap<>();
        view.put("AccessKeyId", accessKeyId);
        view.put("SecretAccessKey", secretAccessKey);
        view.put("SessionToken", sessionToken);
        view.put("StartTime", isoUtc(start));
        view.put("Expiration", isoUtc(expiration));
        return view;
    }

    /** ISO-8601 UTC with second precision, e.g. {@code 2026-11-21T17:00:00Z}. */
    public static String isoUtc(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemporaryCredentials other
                && accessKeyId.equals(other.accessKeyId)
                && secretAccessKey.equals(other.secretAccessKey)
                && sessionToken.equals(other.sessionToken)
                && start.equals(other.start)
                && expiration.equals(other.expiration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessKeyId, sessionToken, expiration);
    }

    @Override
    public String toString() {
        return "TemporaryCredentials[accessKeyId=" + Redaction.accessKeyId(accessKeyId)
                + ", expiration=" + isoUtc(expiration) + "]";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }
}
