package dev.stsfleet.cli;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsCallException;
import java.io.PrintWriter;
import java.util.List;
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
    private final RootCommand root;

    ErrorReporter(RootCommand root) {
        this.root = root;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("stsfleet: error: " + oneLine(describe(ex)) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        if (root.global().debug()) {
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
        } else if (ex instanceof ParameterException pe) {
            return handleParseException(pe, new String[0]);
        } else {
            code = ExitCode.FAILED;
            message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            if (!root.global().debug()) {
                message += " (run with --debug for details)";
            }
        }
        err.println("stsfleet: error: " + oneLine(message));
        if (root.global().debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
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
