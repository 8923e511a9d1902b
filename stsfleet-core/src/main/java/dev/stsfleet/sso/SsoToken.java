package dev.stsfleet.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.InvalidInputException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An Identity Center access token as the AWS CLI caches it ({@code ~/.aws/sso/cache/<key>.json}): the access
 * token and its end, and when refreshable the refresh token and the client registration that can use it.
 * Immutable; {@link #toString()} shows no secret.
 *
 * @param startUrl              the access portal URL
 * @param region                the Identity Center region
 * @param accessToken           the bearer token for the portal
 * @param expiresAt             when it ends
 * @param refreshToken          null when not refreshable
 * @param clientId              the OIDC client, null when not refreshable
 * @param clientSecret          the client's secret, null when not refreshable
 * @param registrationExpiresAt when the client registration ends, or null
 */
public record SsoToken(String startUrl, String region, String accessToken, Instant expiresAt, String refreshToken,
                       String clientId, String clientSecret, Instant registrationExpiresAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SsoToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the refresh token grant can renew it: a refresh token with a client registration still valid at {@code now}. */
    public boolean refreshableAt(Instant now) {
        return refreshToken != null && clientId != null && clientSecret != null
                && (registrationExpiresAt == null || now.isBefore(registrationExpiresAt));
    }

    /** The cache file's JSON, with the AWS CLI's field names and RFC 3339 UTC times in whole seconds. */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        if (startUrl != null) {
            n.put("startUrl", startUrl);
        }
        if (region != null) {
            n.put("region", region);
        }
        n.put("accessToken", accessToken).put("expiresAt", rfc3339(expiresAt));
        if (refreshToken != null) {
            n.put("refreshToken", refreshToken);
        }
        if (clientId != null) {
            n.put("clientId", clientId);
        }
        if (clientSecret != null) {
            n.put("clientSecret", clientSecret);
        }
        if (registrationExpiresAt != null) {
            n.put("registrationExpiresAt", rfc3339(registrationExpiresAt));
        }
        return n.toString();
    }

    /**
     * Reads a cache file's JSON, as the AWS CLI, the SDKs or stsfleet wrote it (times with {@code Z} or an offset,
     * with or without fractions of a second; unknown fields ignored).
     *
     * @throws InvalidInputException naming only the field, never a value
     */
    public static SsoToken parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new InvalidInputException("the SSO token cache file is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new InvalidInputException("the SSO token cache file is not a JSON object");
        }
        String access = text(n, "accessToken");
        String expires = text(n, "expiresAt");
        if (access == null || expires == null) {
            throw new InvalidInputException("the SSO token cache file has no " + (access == null ? "accessToken" : "expiresAt"));
        }
        return new SsoToken(text(n, "startUrl"), text(n, "region"), access, time(expires, "expiresAt"),
                text(n, "refreshToken"), text(n, "clientId"), text(n, "clientSecret"),
                text(n, "registrationExpiresAt") == null ? null : time(text(n, "registrationExpiresAt"), "registrationExpiresAt"));
    }

    static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Instant time(String s, String field) {
        try {
            return OffsetDateTime.parse(s.replace(' ', 'T'), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("the SSO token cache file's " + field + " is not an RFC 3339 time");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public String toString() {
        return "SsoToken[startUrl=" + startUrl + ", region=" + region + ", expiresAt=" + expiresAt
                + ", refreshable=" + (refreshToken != null) + "]";
    }
}
