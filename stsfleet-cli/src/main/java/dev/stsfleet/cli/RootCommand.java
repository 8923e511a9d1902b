package dev.stsfleet.cli;

import picocli.CommandLine.Command;

@Command(name = "stsfleet", mixinStandardHelpOptions = true, version = "stsfleet 0.1.0-SNAPSHOT",
        description = "Bulk AWS STS temporary credentials, kept fresh.")
final class RootCommand implements Runnable {
    @Override
    public void run() {
    }
}
