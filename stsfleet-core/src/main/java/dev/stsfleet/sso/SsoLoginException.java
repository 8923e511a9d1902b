package dev.stsfleet.sso;

import dev.stsfleet.StsFleetException;

/** An Identity Center sign-in that did not complete (expired device code, refused or abandoned browser sign-in). */
public class SsoLoginException extends StsFleetException {
    private static final long serialVersionUID = 1L;

    public SsoLoginException(String message) {
        super(message);
    }
}
