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
final class RootCommand implements Runnable {
    @Mixin
    private final GlobalOptions global;

    @Spec
    private CommandSpec spec;

    /** The root of the tree, declaring {@code global} (shared with every command through {@link CommandContext}). */
    RootCommand(GlobalOptions global) {
        this.global = global;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is needed");
    }
}
