package dev.stsfleet;

/** Base of every exception stsfleet throws. Messages never contain a secret. */
public class StsFleetException extends RuntimeException {
    public StsFleetException(String message) {
        super(message);
    }

    public StsFleetException(String message, Throwable cause) {
        super(message, cause);
    }
}
