package dev.stsfleet.cli;

import dev.stsfleet.cli.option.GlobalOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code stsfleet} command; its subcommands are added by {@link CommandTable}, only those a command line needs. */
@Command(name = "stsfleet", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Bulk AWS STS temporary credentials, kept fresh: one IAM user, one MFA code,",
            "credentials for every role across many accounts."},
        footer = {"", "Exit codes: 0 all done; 1 some profiles failed (each named); 2 bad usage or input."})
public final class RootCommand implements Runnable {
    private final CliContext context;

    @Mixin
    private GlobalOptions global = new GlobalOptions();

    @Spec
    private CommandSpec spec;

    RootCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    public GlobalOptions global() {
        return global;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is needed");
    }
}
