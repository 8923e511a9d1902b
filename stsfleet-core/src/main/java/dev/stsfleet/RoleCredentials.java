package dev.stsfleet;

import java.util.Objects;

/**
 * Credentials for one role profile. Immutable; secrets redacted in {@link #toString()}.
 *
 * @param profile         the role profile's name
 * @param roleArn         the role that was assumed
 * @param assumedRoleArn  the session's ARN as STS returned it ({@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION})
 * @param credentials     the temporary credentials
 */
public record RoleCredentials(String profile, String roleArn, String assumedRoleArn, TemporaryCredentials credentials) {
    public RoleCredentials {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** The key this profile's credentials have in a fleet result: {@code sts-<profile>}. */
    public String key() {
        return FleetResult.keyOf(profile);
    }

    /** The 12-digit account id of the role. */
    public String accountId() {
        String[] parts = roleArn.split(":", 6);
        return parts.length >= 5 ? parts[4] : "";
    }

    /** The role's name (the last path element of its ARN). */
    public String roleName() {
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return "RoleCredentials[profile=" + profile + ", roleArn=" + roleArn + ", credentials=" + credentials + "]";
    }
}
