package dev.stsfleet.provider;

import dev.stsfleet.StsCallException;

/**
 * A session provider could not assume a role (AssumeRole for a cross-account hop, AssumeRoleWithSAML for
 * SAML). Carries AWS's error code (e.g. {@code AccessDenied}, {@code ExpiredTokenException},
 * {@code InvalidIdentityToken}) and the role, never the assertion, the external id or any credential.
 */
public final class AssumeRoleFailedException extends StsCallException {
    private final String roleArn;

    /** A failed AssumeRoleWithSAML. */
    public AssumeRoleFailedException(String roleArn, String code, String message, Throwable cause) {
        this(roleArn, "with SAML", code, message, cause);
    }

    /** @param how how the role was assumed, e.g. {@code "with SAML"} or {@code "from account 111111111111"} */
    public AssumeRoleFailedException(String roleArn, String how, String code, String message, Throwable cause) {
        super(code, "cannot assume " + roleArn + " " + how + ": " + message, cause);
        this.roleArn = roleArn;
    }

    public String roleArn() {
        return roleArn;
    }
}
