package dev.stsfleet.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place commands write through. stdout carries only machine output (JSON, exports, tables
 * the user asked for); progress, summaries and warnings go to stderr, so {@code eval "$(stsfleet env
 * p)"} and {@code --format json} stay parseable. {@code --quiet} silences everything but errors.
 */
public final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean progressVisible;
    private boolean progressLineOpen;

    Output(PrintWriter out, PrintWriter err, boolean quiet, boolean stderrTerminal) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.progressVisible = stderrTerminal && !quiet;
    }

    /** Output to given writers, stderr not a terminal (no progress lines); for tests and embedding. */
    public static Output to(PrintWriter out, PrintWriter err, boolean quiet) {
        return new Output(out, err, quiet, false);
    }

    /** The output for a command, honouring the global {@code --quiet} and the context's terminal. */
    public static Output of(CommandLine cmd, CommandContext cli) {
        return new Output(cmd.getOut(), cmd.getErr(), cli.global().quiet(), cli.context().stderrTerminal());
    }

    /** Machine output; a live progress line on stderr is cleared first, so output starts at column 0. */
    public synchronized PrintWriter stdout() {
        endProgress();
        err.flush();
        return out;
    }

    /** Whether progress is drawn as a live line (stderr is a terminal, not quiet). */
    public boolean live() {
        return progressVisible;
    }

    /** A progress line, redrawn in place; shown only when stderr is a terminal and not quiet. */
    public synchronized void progress(String line) {
        if (progressVisible) {
            err.print("\r\033[2K" + line);
            err.flush();
            progressLineOpen = true;
        }
    }

    /** An informational line on stderr (summaries, where files went), unless quiet. */
    public synchronized void info(String line) {
        if (!quiet) {
            endProgress();
            err.println(line);
            err.flush();
        }
    }

    /**
     * {@code text} with every control character shown escaped ({@code \e} for ESC, {@code \xHH} for the
     * others, C1 included), so a user-supplied string in a message cannot drive the terminal.
     */
    public static String escapeControls(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f;
            if (control && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                if (c == 0x1b) {
                    b.append("\\e");
                } else if (control) {
                    b.append(String.format("\\x%02x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text : b.toString();
    }

    /** A warning on stderr; shown even when quiet, because it says something may be wrong. */
    public synchronized void warn(String line) {
        endProgress();
        err.println("stsfleet: warning: " + escapeControls(line));
        err.flush();
    }

    /** A problem with one item of the work (a profile that failed); shown even when quiet. */
    public synchronized void problem(String line) {
        endProgress();
        err.println(escapeControls(line));
        err.flush();
    }

    public synchronized void flush() {
        endProgress();
        out.flush();
        err.flush();
    }

    private void endProgress() {
        if (progressLineOpen) {
            err.print("\r\033[2K");
            progressLineOpen = false;
        }
    }
}
