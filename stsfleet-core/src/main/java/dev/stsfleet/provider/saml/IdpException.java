package dev.stsfleet.provider.saml;

import dev.stsfleet.StsFleetException;

/**
 * The identity provider could not be used: thrown as such when it cannot be reached (connection refused,
 * TLS not trusted, timeout), and as its subclasses when it refused the login or answered with something
 * that is not a usable SAML response. Messages never contain the password or the assertion.
 */
public class IdpException extends StsFleetException {
    public IdpException(String message) {
        super(message);
    }

    public IdpException(String message, Throwable cause) {
        super(message, cause);
    }
}
