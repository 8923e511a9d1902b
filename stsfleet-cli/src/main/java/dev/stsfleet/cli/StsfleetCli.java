package dev.stsfleet.cli;

import picocli.CommandLine;

/** The one factory that builds the command line, for {@link Main} and for in-process tests. */
public final class StsfleetCli {
    private StsfleetCli() {
    }

    public static CommandLine newCommandLine() {
        return new CommandLine(new RootCommand());
    }
}
