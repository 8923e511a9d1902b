package dev.stsfleet.cli;

/** Bad usage detected by a command (a flag combination, a value out of range): exit 2, one line. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
