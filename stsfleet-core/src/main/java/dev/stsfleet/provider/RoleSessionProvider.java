package dev.stsfleet.provider;

import dev.stsfleet.RoleCredentials;
import java.util.Optional;

/**
 * A {@link SessionProvider} whose credentials are an assumed role's temporary credentials, so every account
 * of a bulk run ends as {@link RoleCredentials} (keyed {@code sts-<account>-<role>}, see
 * {@link AccountRole#name()}). Thread-safe.
 */
public interface RoleSessionProvider extends SessionProvider {
    /** The role name {@link #credentialsProvider(String)} and {@link #roleCredentials(String)} assume, if set. */
    Optional<String> defaultRoleName();

    /**
     * The role's credentials in the account, cached while fresh, else assumed now.
     *
     * @return credentials whose {@link RoleCredentials#profile()} is {@code <account>-<role>}
     * @throws dev.stsfleet.InvalidInputException a malformed account id or role name
     * @throws AssumeRoleFailedException          STS refused, with AWS's error code
     * @throws dev.stsfleet.StsFleetException     the base login or IdP login failed (typed by the provider)
     */
    RoleCredentials roleCredentials(String accountId, String roleName);

    /** {@link #roleCredentials(String, String)} for the {@link #defaultRoleName() default role}. */
    default RoleCredentials roleCredentials(String accountId) {
        return roleCredentials(accountId, defaultRoleName().orElseThrow(() ->
                new IllegalStateException("no default role name was configured; pass one")));
    }
}
