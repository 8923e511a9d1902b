package dev.stsfleet.cli.command;

/**
 * The variable {@code exec} sets in the shell or command it starts, naming the profile: a nested {@code exec}
 * warns when it finds it, and {@code status} names the profile of the credentials in this environment by it.
 */
final class ExecMarker {
    /** The variable's name. */
    static final String VARIABLE = "STSFLEET_PROFILE";

    private ExecMarker() {
    }
}
