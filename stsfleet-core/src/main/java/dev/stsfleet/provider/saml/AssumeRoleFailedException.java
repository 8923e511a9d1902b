package dev.stsfleet.provider.saml;

import dev.stsfleet.StsCallException;

/**
 * AssumeRoleWithSAML failed for one role. Carries AWS's error code (e.g. {@code AccessDenied},
 * {@code ExpiredTokenException}, {@code InvalidIdentityToken}) and the role, never the assertion.
 */
public final class AssumeRoleFailedException extends StsCallException {
    private final String roleArn;

    public AssumeRoleFailedException(String roleArn, String code, String message, Throwable cause) {
        super(code, "cannot assume " + roleArn + " with SAML: " + message, cause);
        this.roleArn = roleArn;
    }

    public String roleArn() {
        return roleArn;
    }
}
