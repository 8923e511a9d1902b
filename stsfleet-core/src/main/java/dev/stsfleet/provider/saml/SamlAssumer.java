package dev.stsfleet.provider.saml;

import dev.stsfleet.StsCallException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.provider.AssumeRoleFailedException;

/**
 * The one STS call this package needs: AssumeRoleWithSAML. Bound by the caller to the STS gateway (or to an
 * SDK {@code StsClient}), so this package holds no AWS client of its own. Implementations must be
 * thread-safe: a {@link SamlSessionProvider} calls it from many threads at once.
 */
@FunctionalInterface
public interface SamlAssumer {
    /**
     * Calls AssumeRoleWithSAML (an unsigned call: the assertion is the proof).
     *
     * @param roleArn          the role to assume
     * @param principalArn     the SAML provider AWS trusts for it
     * @param base64Assertion  the IdP's {@code SAMLResponse}, base64 as the IdP sent it; a secret
     * @param durationSeconds  the session's length, or {@code null} for AWS's default (one hour)
     * @return the role's credentials
     * @throws StsCallException with AWS's error code when STS refuses; other runtime exceptions are
     *                          reported as {@link AssumeRoleFailedException} with code {@code Unknown}
     */
    TemporaryCredentials assume(String roleArn, String principalArn, String base64Assertion, Integer durationSeconds);
}
