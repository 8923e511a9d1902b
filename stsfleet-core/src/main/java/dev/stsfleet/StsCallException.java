package dev.stsfleet;

/** An STS call that failed; carries AWS's error code and message (never a secret). */
public class StsCallException extends StsFleetException {
    private final String code;

    public StsCallException(String code, String message) {
        this(code, message, null);
    }

    public StsCallException(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** AWS's error code, e.g. {@code AccessDenied}, {@code ExpiredToken}, {@code Throttling}. */
    public String code() {
        return code;
    }
}
