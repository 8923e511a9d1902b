package dev.stsfleet.cli;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsCallException;
import dev.stsfleet.cli.option.GlobalOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line {@code stsfleet: error: ...} on stderr and the right exit code;
 * the stack trace only with {@code --debug}. Messages come from our exceptions, which never carry
 * secrets.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final GlobalOptions global;

    ErrorReporter(GlobalOptions global) {
        this.global = global;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String unknownCommand = unknownCommand(ex);
        if (unknownCommand != null) {
            err.println("stsfleet: error: " + unknownCommand);
        } else {
            err.println("stsfleet: error: " + oneLine(describe(ex)) + " (see '" + cmd.getCommandSpec().qualifiedName()
                    + " --help')");
        }
        if (global.debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        int code;
        String message;
        if (ex instanceof InvalidInputException || ex instanceof UsageException) {
            code = ExitCode.USAGE;
            message = ex.getMessage();
        } else if (ex instanceof StsCallException sts) {
            code = ExitCode.FAILED;
            message = sts.getMessage();
        } else if (ex instanceof dev.stsfleet.sso.SsoLoginException) {
            // A sign-in that did not complete: the message says what to do; no stack trace is needed for it.
            code = ExitCode.FAILED;
            message = ex.getMessage();
        } else if (ex instanceof ParameterException pe) {
            return handleParseException(pe, new String[0]);
        } else {
            code = ExitCode.FAILED;
            message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            if (!global.debug()) {
                message += " (run with --debug for details)";
            }
        }
        err.println("stsfleet: error: " + oneLine(message));
        if (global.debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * For a word where a command was expected ({@code stsfleet genrate --all}): "unknown command 'genrate'", with
     * the nearest command when one is close enough to be a typo; else {@code null}.
     */
    static String unknownCommand(ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        if (!(ex instanceof UnmatchedArgumentException u) || cmd.getSubcommands().isEmpty() || u.getUnmatched().isEmpty()
                || !cmd.getCommandSpec().positionalParameters().isEmpty()) {
            return null;
        }
        String word = u.getUnmatched().get(0);
        if (word.startsWith("-")) {
            return null;
        }
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String name : cmd.getSubcommands().keySet()) {
            int d = distance(word.toLowerCase(java.util.Locale.ROOT), name);
            if (d < best) {
                best = d;
                nearest = name;
            }
        }
        boolean close = nearest != null && (best <= Math.max(1, Math.min(3, word.length() / 3))
                || nearest.startsWith(word) && word.length() >= 2);
        String peer = PEER_WORDS.get(word.toLowerCase(java.util.Locale.ROOT));
        return "unknown command '" + oneLine(word) + "'" + (close ? " (did you mean '" + nearest + "'?)"
                : peer != null ? " (" + peer + ")" : " (see 'stsfleet help')");
    }

    /** What people who come from aws-vault, granted or awsume type, and the command that does it here. */
    private static final Map<String, String> PEER_WORDS = Map.of(
            "list", "'stsfleet profiles' lists the role profiles, 'stsfleet status' what is cached",
            "ls", "'stsfleet profiles' lists the role profiles, 'stsfleet status' what is cached",
            "export", "'stsfleet env PROFILE' prints the variables",
            "assume", "'stsfleet env PROFILE' prints the variables, 'stsfleet exec PROFILE -- CMD' runs a command",
            "console", "'stsfleet login PROFILE' gives a console sign-in URL",
            "remove", "'stsfleet clear PROFILE' forgets cached sessions and credentials",
            "forget", "'stsfleet clear PROFILE' forgets cached sessions and credentials",
            "whoami", "'stsfleet status --verify' asks STS whose this environment's credentials are");

    /** Damerau-style edit distance (insert, delete, replace, swap of neighbours). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * picocli quotes every unmatched argument. After a mistyped option ({@code --pasword hunter2}) the next
     * argument may be a secret, so when an unknown option is among them only the option names are shown.
     */
    private static String describe(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> options = u.getUnmatched().stream().filter(a -> a.startsWith("-"))
                    .map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a).toList();
            if (!options.isEmpty()) {
                return "unknown option" + (options.size() == 1 ? " " : "s ") + String.join(", ", options)
                        + (u.getUnmatched().size() > options.size() ? " (its arguments are not shown)" : "");
            }
        }
        return ex.getMessage();
    }

    static String oneLine(String message) {
        return message == null ? "" : Output.escapeControls(message.replaceAll("\\s*\\R\\s*", " ").strip());
    }
}
