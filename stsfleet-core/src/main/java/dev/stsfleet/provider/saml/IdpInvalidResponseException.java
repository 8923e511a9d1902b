package dev.stsfleet.provider.saml;

/**
 * The identity provider answered, but not with a usable SAML response: an unexpected HTTP status, a page
 * without a {@code SAMLResponse} input, malformed base64, XML that is malformed, too large or declares a
 * DOCTYPE, or an assertion this tool cannot read.
 */
public final class IdpInvalidResponseException extends IdpException {
    public IdpInvalidResponseException(String message) {
        super(message);
    }

    public IdpInvalidResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
