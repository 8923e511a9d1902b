package dev.stsfleet.cli.command;

import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.RootCommand;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.format.EnvRenderer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Stack;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "exec", mixinStandardHelpOptions = true,
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

    /**
     * Variables of the parent that would give the child another identity than the role's, or mix another
     * identity's settings in: profile selectors, static and temporary keys, container, web-identity and
     * role settings, and our own variables for the old EC2 tools.
     */
    static final List<String> REMOVED = List.of("AWS_PROFILE", "AWS_DEFAULT_PROFILE",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_DELEGATION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME");

    /** Exit codes of shells for a command that is missing, or present but not runnable. */
    static final int NOT_FOUND = 127;
    static final int CANNOT_RUN = 126;

    @ParentCommand
    private RootCommand root;

    @Spec
    private CommandSpec spec;

    /** The variable marking a shell or command started by exec, naming its profile. */
    static final String MARKER = "STSFLEET_PROFILE";

    @Parameters(index = "0", paramLabel = "PROFILE", description = "The role profile, or a profile with long-term keys.")
    private String profile;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND", parameterConsumer = RestIsTheCommand.class,
            description = "The command and its arguments (default: $SHELL).")
    private List<String> command = new ArrayList<>();

    @Option(names = "--legacy", description = "Also set AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_DELEGATION_TOKEN.")
    private boolean legacy;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

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
        Output output = Output.of(spec.commandLine(), root);
        String outer = root.context().env(MARKER);
        if (outer != null) {
            output.warn("already inside 'stsfleet exec " + outer + "': the command gets profile " + profile
                    + "'s credentials, not " + outer + "'s");
        }
        if (argv.isEmpty()) {
            String shell = root.context().env("SHELL");
            argv.add(shell != null ? shell : "/bin/sh");
        }
        ProfileCredentials credentials = ProfileCredentials.of(root, profile, mfa);
        output.flush();

        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(root.context().environment());
        REMOVED.forEach(env::remove);
        Map<String, String> set = new LinkedHashMap<>(EnvRenderer.variables(credentials.credentials(), legacy));
        set.putAll(credentials.regionVariables());
        set.put(MARKER, profile);
        env.putAll(set);
        LOG.debug("exec {}: set {}; removed any of {}", argv.get(0), set.keySet(), REMOVED);

        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            String reason = String.valueOf(e.getMessage());
            boolean missing = reason.contains("error=2,") || reason.contains("No such file");
            output.problem("stsfleet: error: " + (missing ? "command not found: " : "cannot run command: ")
                    + argv.get(0) + (missing ? "" : " (" + reason.replaceAll(".*error=\\d+, ", "") + ")"));
            return missing ? NOT_FOUND : CANNOT_RUN;
        }
        // A signal to stsfleet (SIGINT, SIGTERM) starts the JVM's shutdown, which exits 128+signal (130 for
        // SIGINT); the hook stops the child first, so it never outlives us.
        Thread hook = new Thread(() -> stop(child), "stsfleet-exec-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return waitFor(child);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running; it stops the child.
            }
        }
    }

    private static int waitFor(Process child) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return child.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy(); // SIGTERM: the child may clean up
        try {
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                child.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
