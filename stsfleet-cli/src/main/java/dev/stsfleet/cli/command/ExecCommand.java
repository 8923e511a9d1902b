package dev.stsfleet.cli.command;

import dev.stsfleet.RoleCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.RootCommand;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.format.EnvRenderer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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

    @Parameters(index = "0", paramLabel = "PROFILE", description = "The role profile.")
    private String profile;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    private List<String> command = new ArrayList<>();

    @Option(names = "--legacy", description = "Also set AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_DELEGATION_TOKEN.")
    private boolean legacy;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

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
        RoleCredentials credentials = Commands.single(Credentials.fetch(root, List.of(profile), mfa), profile);
        output.flush();

        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(root.context().environment());
        REMOVED.forEach(env::remove);
        env.putAll(EnvRenderer.variables(credentials.credentials(), legacy));
        LOG.debug("exec {}: set {}; removed any of {}", argv.get(0), EnvRenderer.variables(credentials.credentials(),
                legacy).keySet(), REMOVED);

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
