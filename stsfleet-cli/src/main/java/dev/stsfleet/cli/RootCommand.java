package dev.stsfleet.cli;

import dev.stsfleet.cli.command.SandboxCommand;
import picocli.CommandLine.Command;

@Command(name = "stsfleet", mixinStandardHelpOptions = true, version = "stsfleet 0.1.0-SNAPSHOT",
        description = "Bulk AWS STS temporary credentials, kept fresh.",
        subcommands = {SandboxCommand.class})
final class RootCommand implements Runnable {
    @Override
    public void run() {
    }
}
