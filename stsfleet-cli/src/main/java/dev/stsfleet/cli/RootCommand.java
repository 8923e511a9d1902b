package dev.stsfleet.cli;

import dev.stsfleet.cli.command.CompletionCommand;
import dev.stsfleet.cli.command.CredentialProcessCommand;
import dev.stsfleet.cli.command.CrossAccountCommand;
import dev.stsfleet.cli.command.DemoCommand;
import dev.stsfleet.cli.command.EnvCommand;
import dev.stsfleet.cli.command.ExecCommand;
import dev.stsfleet.cli.command.LoginCommand;
import dev.stsfleet.cli.command.WriteCommand;
import dev.stsfleet.cli.command.GenerateCommand;
import dev.stsfleet.cli.command.KeepFreshCommand;
import dev.stsfleet.cli.command.ProfilesCommand;
import dev.stsfleet.cli.command.SamlCommand;
import dev.stsfleet.cli.command.SandboxCommand;
import dev.stsfleet.cli.command.ServeCommand;
import dev.stsfleet.cli.command.SessionTokenCommand;
import dev.stsfleet.cli.command.SsoCommand;
import dev.stsfleet.cli.command.StatusCommand;
import dev.stsfleet.cli.option.GlobalOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "stsfleet", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Bulk AWS STS temporary credentials, kept fresh: one IAM user, one MFA code,",
            "credentials for every role across many accounts."},
        subcommands = {GenerateCommand.class, SessionTokenCommand.class, ProfilesCommand.class,
            EnvCommand.class, ExecCommand.class, WriteCommand.class, CredentialProcessCommand.class,
            LoginCommand.class, KeepFreshCommand.class, ServeCommand.class, CrossAccountCommand.class,
            SamlCommand.class, SsoCommand.class, StatusCommand.class, DemoCommand.class, SandboxCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class},
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
