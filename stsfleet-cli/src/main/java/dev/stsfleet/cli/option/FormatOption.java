package dev.stsfleet.cli.option;

import dev.stsfleet.cli.CliContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --format} of a bulk command: boto, json or table ({@link Format}), and env where the command prints
 * one set of credentials as shell statements ({@link #withEnv()}). Without the option: table when stdout is a
 * terminal, else json. A value the command does not offer is a usage error while parsing, as for any enum.
 */
public final class FormatOption {
    private final boolean envOffered;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    private Format format;

    /** boto, json or table. */
    public FormatOption() {
        this(false);
    }

    private FormatOption(boolean envOffered) {
        this.envOffered = envOffered;
    }

    /** boto, json, table or env. */
    public static FormatOption withEnv() {
        return new FormatOption(true);
    }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "boto (the STS fields of each entry, keyed by its name), json (credentials, failures, "
                    + "summary) or table (no secrets). Default: table on a terminal, else json.")
    void format(Format value) {
        if (value == Format.env && !envOffered) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--format': expected one of "
                    + "[boto, json, table] (case-insensitive) but was '" + value + "'");
        }
        format = value;
    }

    /** The format given, or {@code null}. */
    public Format given() {
        return format;
    }

    /** The format given, else table when stdout is a terminal, else json. */
    public Format chosen(CliContext context) {
        return format != null ? format : context.stdoutTerminal() ? Format.table : Format.json;
    }
}
