package dev.stsfleet.cli;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may read from the process around it: environment variables, the clock, standard
 * input and whether a human is at the other end. Injected so that tests run commands in-process
 * with their own environment, and never touch the real one.
 *
 * @param environment     environment variables (AWS_PROFILE, AWS_CONFIG_FILE, ...)
 * @param clock           the time source
 * @param stdin           standard input
 * @param terminal        where to ask a person for a secret, or {@code null} when there is none
 * @param stdoutTerminal  whether stdout is a terminal (picks the default output format)
 * @param stderrTerminal  whether stderr is a terminal (progress is drawn only there)
 */
public record CliContext(Map<String, String> environment, Clock clock, InputStream stdin, Terminal terminal,
                         boolean stdoutTerminal, boolean stderrTerminal) {
    public CliContext {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(stdin, "stdin");
    }

    /** The real process: its environment, the system clock, and its terminal if it has one. */
    public static CliContext ofProcess() {
        // Java 17 has no isatty for a single stream: a Console exists only when stdin and stdout are
        // both terminals, which is the interactive case we care about for tables and progress. Prompts also
        // reach the controlling terminal when the streams are pipes (a credential_process): see Terminal.
        boolean interactive = System.console() != null;
        return new CliContext(System.getenv(), Clock.systemUTC(), System.in, Terminal.ofProcess(), interactive,
                interactive);
    }

    /** A non-interactive context for tests and scripts: no terminal, the given environment. */
    public static CliContext of(Map<String, String> environment, Clock clock, InputStream stdin) {
        return new CliContext(environment, clock, stdin, null, false, false);
    }

    public String env(String name) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
