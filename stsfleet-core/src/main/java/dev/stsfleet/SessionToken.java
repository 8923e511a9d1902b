package dev.stsfleet;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The result of GetSessionToken for the source IAM user: temporary credentials that can assume every
 * role the user may assume, with MFA if {@link #mfaSerial()} is set. Immutable; secrets redacted in
 * {@link #toString()}.
 *
 * @param credentials   the temporary credentials
 * @param sourceProfile the profile whose long-term keys made the call
 * @param mfaSerial     the MFA device used, or {@code null} without MFA
 */
public record SessionToken(TemporaryCredentials credentials, String sourceProfile, String mfaSerial) {
    public SessionToken {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(sourceProfile, "sourceProfile");
    }

    public Instant start() {
        return credentials.start();
    }

    public Instant end() {
        return credentials.expiration();
    }

    public String accessKeyId() {
        return credentials.accessKeyId();
    }

    public String secretAccessKey() {
        return credentials.secretAccessKey();
    }

    public String sessionToken() {
        return credentials.sessionToken();
    }

    public boolean withMfa() {
        return mfaSerial != null;
    }

    /** {@code AccessKeyId, SecretAccessKey, SessionToken, StartTime, Expiration}, as STS names them. */
    public Map<String, String> botoView() {
        return credentials.botoView();
    }

    @Override
    public String toString() {
        return "SessionToken[profile=" + sourceProfile + ", accessKeyId="
                + Redaction.accessKeyId(credentials.accessKeyId()) + ", mfa=" + withMfa()
                + ", end=" + TemporaryCredentials.isoUtc(end()) + "]";
    }
}
