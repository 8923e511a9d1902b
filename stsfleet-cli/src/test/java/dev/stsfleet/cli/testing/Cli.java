package dev.stsfleet.cli.testing;

import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.StsfleetCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;

/** Runs the command in-process with its own environment and captured stdout and stderr. */
public final class Cli {
    /** What one run left behind. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            // Shown by AssertJ on failure: exit code and stderr only (stdout may hold credentials).
            return "exit " + exit + ", stderr:\n" + err;
        }
    }

    private Cli() {
    }

    /**
     * The environment of a run against a sandbox with the AWS files of {@code dir} ({@code config},
     * {@code credentials}) and {@code dir} as HOME; a mutable map, for a test to add to.
     */
    public static Map<String, String> awsEnv(java.nio.file.Path dir, java.net.URI stsEndpoint) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_STS", stsEndpoint.toString());
        env.put("HOME", dir.toString());
        return env;
    }

    public static Result run(Map<String, String> env, String... args) {
        return run(env, Clock.systemUTC(), args);
    }

    public static Result run(Map<String, String> env, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StsfleetCli.newCommandLine(CliContext.of(env, clock, new ByteArrayInputStream(new byte[0])), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
