package dev.stsfleet.cli;

/** The exit codes of every command. */
public final class ExitCode {
    /** Everything asked for was done. */
    public static final int OK = 0;
    /** Some of the work failed (each failure named on stderr), or an STS call failed. */
    public static final int FAILED = 1;
    /** Bad usage or bad input: one line on stderr, nothing done. */
    public static final int USAGE = 2;

    private ExitCode() {
    }
}
