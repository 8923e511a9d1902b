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

    public static Result run(Map<String, String> env, String... args) {
        return run(env, Clock.systemUTC(), args);
    }

    public static Result run(Map<String, String> env, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StsfleetCli.newCommandLine(CliContext.of(env, clock, new ByteArrayInputStream(new byte[0])));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
