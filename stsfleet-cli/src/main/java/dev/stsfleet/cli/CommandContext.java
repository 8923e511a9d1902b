package dev.stsfleet.cli;

import dev.stsfleet.cli.option.GlobalOptions;
import java.util.Objects;

/**
 * What a command runs with: the process around it ({@link CliContext}) and the global options as parsed. The
 * {@link GlobalOptions} object is the one the root command declares; picocli fills it in wherever an inherited
 * option was typed ({@code stsfleet --profile p generate} or {@code stsfleet generate --profile p}), so a command
 * reads it here instead of reaching for its parent command. Handed to every command's constructor by the factory
 * of {@link StsfleetCli#newCommandLine(CliContext)}; one per command line, read by one parse at a time.
 *
 * @param context what the command may read from the process (environment, clock, stdin, terminal)
 * @param global  the global options, filled in by the parse
 */
public record CommandContext(CliContext context, GlobalOptions global) {
    public CommandContext {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(global, "global");
    }
}
