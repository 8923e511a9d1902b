package dev.stsfleet.sso;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An IAM Identity Center sign-in: an {@code [sso-session NAME]} section, or the legacy {@code sso_start_url} and
 * {@code sso_region} of a profile ({@link #name()} null). Immutable.
 *
 * @param name      the session's name; null for a legacy profile
 * @param startUrl  the AWS access portal URL
 * @param region    the Identity Center region (OIDC and portal calls go there)
 * @param scopes    the registration scopes ({@code sso:account:access} by default; empty for legacy profiles, which
 *                  get no refresh token)
 */
public record SsoSession(String name, String startUrl, String region, List<String> scopes) {
    public SsoSession {
        Objects.requireNonNull(startUrl, "startUrl");
        Objects.requireNonNull(region, "region");
        scopes = List.copyOf(scopes);
    }

    /**
     * The token cache key, as the AWS CLI computes it: the lower-hex SHA-1 of the session name, or of the start
     * URL for a legacy profile. The token lives in {@code ~/.aws/sso/cache/<key>.json}.
     */
    public String cacheKey() {
        return sha1(name != null ? name : startUrl);
    }

    /** How messages name it: {@code sso-session NAME} or {@code start URL URL}. */
    public String describe() {
        return name != null ? "sso-session " + name : "start URL " + startUrl;
    }

    static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
