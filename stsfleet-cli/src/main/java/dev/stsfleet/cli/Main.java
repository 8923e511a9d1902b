package dev.stsfleet.cli;

/** Process entry point: builds the command line, runs it, exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(StsfleetCli.newCommandLine().execute(args));
    }
}
