package dev.stsfleet.sts;

import dev.stsfleet.TemporaryCredentials;
import java.util.Objects;

/**
 * The answer to one AssumeRole call, converted at the STS boundary. Immutable; {@link #toString()} shows
 * no secret (it relies on {@link TemporaryCredentials#toString()}).
 *
 * @param credentials    the role session's credentials
 * @param assumedRoleArn the session's ARN as STS returned it, or {@code null} if STS left it out
 */
public record AssumedRole(TemporaryCredentials credentials, String assumedRoleArn) {
    public AssumedRole {
        Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public String toString() {
        return "AssumedRole[assumedRoleArn=" + assumedRoleArn + ", credentials=" + credentials + "]";
    }
}
