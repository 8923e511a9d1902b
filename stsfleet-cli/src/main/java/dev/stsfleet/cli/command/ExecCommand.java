package dev.stsfleet.cli.command;

import dev.stsfleet.cli.ChildProcess;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.FastPath;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.RootCommand;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.format.EnvRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "exec", mixinStandardHelpOptions = true, modelTransformer = ExecCommand.StopAtCommand.class,
        description = {
            "Runs a command with a role's credentials in its environment, and exits with its exit code.",
            "The child gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN and",
            "AWS_CREDENTIAL_EXPIRATION; AWS_PROFILE, AWS_DEFAULT_PROFILE and every other credential variable of this",
            "environment are removed, so the child cannot pick another identity. stdin, stdout and stderr are the",
            "child's; SIGINT or SIGTERM to stsfleet stops the child too. Options of stsfleet go before PROFILE;",
            "everything after PROFILE (after an optional --) is the command."},
        footer = {"", "Exit codes: the command's; 127 when it is not found, 126 when it cannot be run; 1 or 2 when "
                + "stsfleet itself fails."})
public final class ExecCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ExecCommand.class);

    /** See {@link ChildProcess#REMOVED}. */
    static final List<String> REMOVED = ChildProcess.REMOVED;

    @ParentCommand
    private RootCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "The role profile.")
    private String profile;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    private List<String> command = new ArrayList<>();

    @Option(names = "--legacy", description = "Also set AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_DELEGATION_TOKEN.")
    private boolean legacy;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private CacheOptions cache = new CacheOptions();

    /** Everything after PROFILE belongs to the child, even words that look like our options. */
    public static final class StopAtCommand implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            commandSpec.parser().stopAtPositional(true);
            return commandSpec;
        }
    }

    @Override
    public Integer call() {
        List<String> argv = new ArrayList<>(command);
        if (!argv.isEmpty() && argv.get(0).equals("--")) {
            argv.remove(0);
        }
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new UsageException("name the command to run after PROFILE");
        }
        Output output = Output.of(spec.commandLine(), root);
        Credentials.Single single = Credentials.single(root, profile, mfa, cache);
        output.flush();
        Map<String, String> variables = EnvRenderer.variables(single.credentials(), legacy);
        single.remember(root, spec.root().commandLine().getParseResult().originalArgs(),
                FastPath.variablesText(variables));
        LOG.debug("exec {}: set {}; removed any of {}", argv.get(0), variables.keySet(), REMOVED);
        return ChildProcess.run(argv, root.context().environment(), variables, output::problem);
    }
}
