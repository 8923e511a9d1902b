package dev.stsfleet.cli;

import picocli.CommandLine;

/** The one factory that builds the command line, for {@link Main} and for in-process tests. */
public final class StsfleetCli {
    private StsfleetCli() {
    }

    /** The command line for the real process. */
    public static CommandLine newCommandLine() {
        return newCommandLine(CliContext.ofProcess());
    }

    /** The command line reading environment, clock, stdin and terminal from {@code context}. */
    public static CommandLine newCommandLine(CliContext context) {
        RootCommand root = new RootCommand(context);
        CommandLine cmd = new CommandLine(root);
        ErrorReporter errors = new ErrorReporter(root);
        cmd.setParameterExceptionHandler(errors);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionStrategy(parseResult -> {
            LoggingSetup.apply(root.global().debug(), root.global().quiet());
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cmd;
    }
}
