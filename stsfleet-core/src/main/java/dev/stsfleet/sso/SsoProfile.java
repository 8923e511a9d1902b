package dev.stsfleet.sso;

import java.util.Objects;

/**
 * A profile that signs in through IAM Identity Center. Immutable.
 *
 * @param name      the profile's name
 * @param session   its session (named or legacy)
 * @param accountId {@code sso_account_id}, or null for a profile that names only a session
 * @param roleName  {@code sso_role_name} (the permission set), null when {@code accountId} is
 * @param region    the profile's {@code region}, or null
 */
public record SsoProfile(String name, SsoSession session, String accountId, String roleName, String region) {
    public SsoProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(session, "session");
    }
}
