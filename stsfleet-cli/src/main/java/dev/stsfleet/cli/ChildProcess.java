package dev.stsfleet.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code exec}'s child: the caller's environment without any other identity's variables, plus the role's;
 * stdin, stdout and stderr inherited; the child's exit code returned; a signal to stsfleet stops the child too.
 * Shared by {@code exec} and its {@link FastPath} answer, so both start the child the same way. Only
 * {@code java.base}, and no lambdas (see {@link FastPath}). Stateless.
 */
public final class ChildProcess {
    /**
     * Variables of the parent that would give the child another identity than the role's, or mix another
     * identity's settings in: profile selectors, static and temporary keys, container, web-identity and
     * role settings, and our own variables for the old EC2 tools.
     */
    public static final List<String> REMOVED = List.of("AWS_PROFILE", "AWS_DEFAULT_PROFILE",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_DELEGATION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME");

    /** Exit codes of shells for a command that is missing, or present but not runnable. */
    public static final int NOT_FOUND = 127;
    public static final int CANNOT_RUN = 126;

    /** Where the one-line reason goes when the child cannot be started. */
    public interface Problems {
        void problem(String line);
    }

    private ChildProcess() {
    }

    /**
     * Runs {@code argv} to its end.
     *
     * @param parent    the environment of stsfleet (the child gets it without {@link #REMOVED})
     * @param variables the role's variables
     * @return the child's exit code, or {@link #NOT_FOUND} / {@link #CANNOT_RUN} after one line to {@code problems}
     */
    public static int run(List<String> argv, Map<String, String> parent, Map<String, String> variables,
                          Problems problems) {
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(parent);
        for (String name : REMOVED) {
            env.remove(name);
        }
        env.putAll(variables);
        // A signal to stsfleet (SIGINT, SIGTERM) starts the JVM's shutdown, which exits 128+signal (130 for
        // SIGINT); the hook stops the child first, so it never outlives us. It is in place before the child
        // starts: a signal between the start and the hook would otherwise leave the child running.
        Stopper stopper = new Stopper();
        Thread hook = new Thread(stopper, "stsfleet-exec-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Process child;
            try {
                child = stopper.start(pb);
            } catch (IOException e) {
                String reason = String.valueOf(e.getMessage());
                boolean missing = reason.contains("error=2,") || reason.contains("No such file");
                problems.problem(new StringBuilder("stsfleet: error: ")
                        .append(missing ? "command not found: " : "cannot run command: ").append(argv.get(0))
                        .append(missing ? "" : new StringBuilder(" (")
                                .append(reason.replaceAll(".*error=\\d+, ", "")).append(')'))
                        .toString());
                return missing ? NOT_FOUND : CANNOT_RUN;
            }
            if (child == null) {
                return 130; // stsfleet is stopping: the child was not started
            }
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

    /** Starts the child, and on shutdown stops it; never both at once, so no child is started after it ran. */
    private static final class Stopper implements Runnable {
        private Process child;
        private boolean stopping;

        /** The child started, or {@code null} when the shutdown already began. */
        synchronized Process start(ProcessBuilder pb) throws IOException {
            if (stopping) {
                return null;
            }
            child = pb.start();
            return child;
        }

        @Override
        public void run() {
            Process started;
            synchronized (this) {
                stopping = true;
                started = child;
            }
            if (started == null || !started.isAlive()) {
                return;
            }
            started.destroy(); // SIGTERM: the child may clean up
            try {
                if (!started.waitFor(10, TimeUnit.SECONDS)) {
                    started.destroyForcibly();
                    started.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                started.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
