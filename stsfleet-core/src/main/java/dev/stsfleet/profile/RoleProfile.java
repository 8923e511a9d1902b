package dev.stsfleet.profile;

import java.util.Objects;

/**
 * A role profile from an AWS config or credentials file, with its source chain resolved. Immutable.
 *
 * @param name             the profile's name (without the {@code profile } prefix of the config file)
 * @param roleArn          {@code role_arn}
 * @param sourceProfile    {@code source_profile} as written, or {@code null}
 * @param credentialSource the profile at the end of the chain that holds long-term keys, or {@code null}
 *                         when the chain ends elsewhere (e.g. {@code credential_source})
 * @param mfaSerial        {@code mfa_serial} of this profile, else of the first profile up the chain that
 *                         has one, or {@code null}
 * @param externalId       {@code external_id}, or {@code null}
 * @param roleSessionName  {@code role_session_name}, or {@code null}
 * @param durationSeconds  {@code duration_seconds}, or {@code null}
 * @param region           {@code region}, or {@code null}
 */
public record RoleProfile(String name, String roleArn, String sourceProfile, String credentialSource,
                          String mfaSerial, String externalId, String roleSessionName,
                          Integer durationSeconds, String region) {
    public RoleProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(roleArn, "roleArn");
    }

    public boolean requiresMfa() {
        return mfaSerial != null;
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
}
