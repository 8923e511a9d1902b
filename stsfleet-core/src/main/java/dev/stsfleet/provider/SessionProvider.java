package dev.stsfleet.provider;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credentials for an AWS account, by account id (awsrun's session providers): a profile named after the
 * account ({@link ProfileSessionProvider}), a role assumed from a base account
 * ({@link CrossAccountSessionProvider}), or a role assumed through SAML federation
 * ({@link dev.stsfleet.provider.saml.SamlSessionProvider}). Providers that assume a role also implement
 * {@link RoleSessionProvider}, which is what the bulk {@link AccountRunner} drives.
 *
 * <p>Implementations are thread-safe and meant to be shared: one provider (one base login, one IdP login)
 * serves every account and every thread. Closing a provider releases what it owns (caches, an IdP client);
 * it never closes an STS gateway or a base provider it was given.
 */
public interface SessionProvider extends AutoCloseable {
    /**
     * An SDK provider for the account: every {@code resolveCredentials()} returns the provider's current
     * credentials (cached while fresh), so any AWS SDK v2 client can use it directly.
     *
     * @throws dev.stsfleet.InvalidInputException for a malformed account id (not 12 digits)
     */
    AwsCredentialsProvider credentialsProvider(String accountId);

    /** The account's credentials now: {@code credentialsProvider(accountId).resolveCredentials()}. */
    default AwsCredentials resolveCredentials(String accountId) {
        return credentialsProvider(accountId).resolveCredentials();
    }

    /** Releases what the provider owns; idempotent, never throws a checked exception. */
    @Override
    void close();
}
