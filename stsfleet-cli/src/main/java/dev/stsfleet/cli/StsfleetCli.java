package dev.stsfleet.cli;

import dev.stsfleet.cli.option.GlobalOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The one factory that builds the command line, for {@link Main} and for in-process tests. */
public final class StsfleetCli {
    private StsfleetCli() {
    }

    /** The command line for the real process, to run {@code args}. */
    public static CommandLine newCommandLine(String[] args) {
        return newCommandLine(CliContext.ofProcess(), args);
    }

    /** The command line reading environment, clock, stdin and terminal from {@code context}. */
    public static CommandLine newCommandLine(CliContext context) {
        return newCommandLine(context, null);
    }

    /**
     * The command line for running {@code args}: only the command it names is built (see {@link CommandTable}),
     * or all of them when {@code args} is {@code null} or needs them.
     */
    public static CommandLine newCommandLine(CliContext context, String[] args) {
        GlobalOptions global = new GlobalOptions();
        CommandLine cmd = new CommandLine(new RootCommand(global),
                new CommandFactory(new CommandContext(context, global)));
        CommandTable.addTo(cmd, args);
        withdrawIgnoredOptions(cmd);
        giveVersion(cmd, cmd.getCommandSpec().versionProvider());
        HelpLayout.apply(cmd);
        ErrorReporter errors = new ErrorReporter(global);
        cmd.setParameterExceptionHandler(errors);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // A profile may be called like a command: `--profile env env` names profile "env", then runs env.
        cmd.setAllowSubcommandsAsOptionParameters(true);
        cmd.setExecutionStrategy(parseResult -> {
            LoggingSetup.apply(global.debug(), global.quiet());
            checkGlobalOptions(parseResult, global);
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cmd;
    }

    /**
     * The global options' values that no command may run with, found before any command starts (and so before
     * any call): one usage line, exit 2. Not when help is asked for.
     */
    private static void checkGlobalOptions(CommandLine.ParseResult parseResult, GlobalOptions global) {
        List<CommandLine> commands = parseResult.asCommandLineList();
        if (commands.stream().anyMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested())) {
            return;
        }
        try {
            FleetFactory.callLimits(global);
        } catch (UsageException e) {
            throw new CommandLine.ParameterException(commands.get(commands.size() - 1), e.getMessage());
        }
    }

    /**
     * Every command offers {@code --version} (picocli's standard options); without the root's provider a
     * command's {@code --version} printed nothing at all.
     */
    private static void giveVersion(CommandLine command, CommandLine.IVersionProvider provider) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(provider);
            }
            giveVersion(sub, provider);
        }
    }

    /** The global options each command that does not use them all keeps; the others are withdrawn from its help. */
    private static final Map<String, Set<String>> KEPT = Map.of(
            "demo", Set.of("--debug", "--quiet"),
            "sandbox", Set.of("--debug", "--quiet"),
            "clear", Set.of("--debug", "--quiet"),
            "help", Set.of(),
            "completion", Set.of("--debug"),
            "profiles", Set.of("--profile", "--config-file", "--credentials-file", "--debug", "--quiet"));

    /**
     * Global options are inherited by every command; a command that ignores one must not offer it (it would be
     * accepted and silently do nothing), so it is taken out of that command's model: using it is a usage error.
     */
    private static void withdrawIgnoredOptions(CommandLine root) {
        List<String> globals = root.getCommandSpec().options().stream()
                .filter(o -> o.scopeType() == CommandLine.ScopeType.INHERIT).map(OptionSpec::longestName).toList();
        KEPT.forEach((name, kept) -> {
            CommandLine sub = root.getSubcommands().get(name);
            if (sub == null) {
                return;
            }
            CommandSpec spec = sub.getCommandSpec();
            for (String global : globals) {
                OptionSpec option = spec.findOption(global);
                if (option != null && !kept.contains(global) && option.inherited()) {
                    spec.remove(option);
                }
            }
        });
    }
}
