package dev.stsfleet.provider.saml;

/**
 * The identity provider did not authenticate the user: HTTP 401 or 403, its login page shown again after
 * the credentials were sent, or a SAML response whose status is not {@code Success}.
 */
public final class IdpAccessDeniedException extends IdpException {
    public IdpAccessDeniedException(String message) {
        super(message);
    }
}
