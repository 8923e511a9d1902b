package dev.stsfleet.cli.command;

import dev.stsfleet.cli.ChildProcess;
import dev.stsfleet.cli.FastPath;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.format.EnvRenderer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Stack;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "exec", mixinStandardHelpOptions = true,
        header = "Runs a command with a role's credentials.",
        description = {
            "Runs a command with a role's credentials in its environment, and exits with its exit code.",
            "For a profile with long-term keys (an IAM user), the child gets the user's MFA session (cached).",
            "The child gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN and",
            "AWS_CREDENTIAL_EXPIRATION; AWS_PROFILE, AWS_DEFAULT_PROFILE and every other credential variable of this",
            "environment are removed, so the child cannot pick another identity. stdin, stdout and stderr are the",
            "child's; SIGINT or SIGTERM to stsfleet stops the child too. AWS_REGION and AWS_DEFAULT_REGION are set",
            "from --region, else the profile's (or its source's) region. Options of stsfleet go before the command;",
            "everything from its first word on (or after --) is the command's. Without a command, runs $SHELL with",
            "STSFLEET_PROFILE set (an exec inside it warns)."},
        footer = {"", "Examples:",
            "  stsfleet exec audit -- aws s3 ls",
            "  stsfleet exec audit --region eu-west-1 -- aws sts get-caller-identity",
            "  stsfleet exec alice --mfa-code 123456          (a shell with alice's MFA session)",
            "", "Exit codes: the command's; 127 when it is not found, 126 when it cannot be run; 1 or 2 when "
                + "stsfleet itself fails."})
public final class ExecCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ExecCommand.class);

    /** See {@link ChildProcess#REMOVED}. */
    static final List<String> REMOVED = ChildProcess.REMOVED;

    private final CommandContext cli;

    public ExecCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "The role profile, or a profile with long-term keys.")
    private String profile;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND", parameterConsumer = RestIsTheCommand.class,
            description = "The command and its arguments (default: $SHELL).")
    private List<String> command = new ArrayList<>();

    @Option(names = "--legacy", description = "Also set AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_DELEGATION_TOKEN.")
    private boolean legacy;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Mixin
    private CacheOptions cache = new CacheOptions();

    /**
     * The command's first word and everything after it belong to the child, even words that look like our
     * options; options between PROFILE and the command (aws-vault's habit) are ours.
     */
    public static final class RestIsTheCommand implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            List<String> rest = new ArrayList<>();
            while (!args.isEmpty()) {
                rest.add(args.pop());
            }
            List<String> value = argSpec.getValue();
            value.addAll(rest);
        }
    }

    @Override
    public Integer call() {
        List<String> argv = new ArrayList<>(command);
        if (!argv.isEmpty() && argv.get(0).equals("--")) {
            argv.remove(0);
        }
        if (!argv.isEmpty() && argv.get(0).isEmpty()) {
            throw new UsageException("the command to run is an empty word");
        }
        Output output = Output.of(spec.commandLine(), cli);
        String outer = cli.context().env(ExecMarker.VARIABLE);
        if (outer != null) {
            output.warn("already inside 'stsfleet exec " + outer + "': the command gets profile " + profile
                    + "'s credentials, not " + outer + "'s");
        }
        if (argv.isEmpty()) {
            String shell = cli.context().env("SHELL");
            argv.add(shell != null ? shell : "/bin/sh");
        }
        ProfileCredentials credentials = ProfileCredentials.of(cli, profile, mfa, request.toOptions(), cache);
        output.flush();
        Map<String, String> variables = new LinkedHashMap<>(EnvRenderer.variables(credentials.credentials(), legacy));
        variables.putAll(credentials.regionVariables());
        variables.put(ExecMarker.VARIABLE, profile);
        if (request.policyFile() == null) { // a memo does not see the policy file's content change
            credentials.remember(cli, spec.root().commandLine().getParseResult().originalArgs(),
                    FastPath.variablesText(variables));
        }
        LOG.debug("exec {}: set {}; removed any of {}", argv.get(0), variables.keySet(), ChildProcess.REMOVED);
        return ChildProcess.run(argv, cli.context().environment(), variables, output::problem);
    }
}
