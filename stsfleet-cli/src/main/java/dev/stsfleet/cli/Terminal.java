package dev.stsfleet.cli;

import java.io.Console;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where a command asks a person for a secret (an MFA code, an IdP password), without echo: the JVM's console
 * when stdin and stdout are the terminal; else, when stdin still is one, the process's controlling terminal,
 * {@code /dev/tty}, as {@code ssh} and the AWS CLI's own MFA prompt (Python's getpass) do. That is what lets a
 * {@code credential_process} ask for a code: the AWS CLI reads its stdout and stderr through pipes, but its
 * stdin is still the person's terminal. Stdin from a file, a pipe or {@code /dev/null} (scripts, CI, cron, the
 * tests' processes) means nobody to ask: {@link #ofProcess} gives {@code null}, and the command says there is no
 * terminal to ask on. (Stdin is told apart through {@code /proc/self/fd/0}: on a system without {@code /proc},
 * only the console is used.)
 */
public interface Terminal {
    /**
     * Shows {@code prompt} and reads one line without echo.
     *
     * @return the characters typed (the caller zeroes them), or {@code null} at end of input
     */
    char[] readSecret(String prompt);

    /** The real process's terminal, or {@code null} when it has none. */
    static Terminal ofProcess() {
        Console console = System.console();
        if (console != null) {
            return prompt -> console.readPassword("%s", prompt);
        }
        return ControllingTerminal.open();
    }

    /** {@code /dev/tty}: the prompt written to it, echo turned off with {@code stty} for the line read from it. */
    final class ControllingTerminal implements Terminal {
        private static final String TTY = "/dev/tty";
        private static final int MAX_CHARS = 4096;

        private ControllingTerminal() {
        }

        /** The controlling terminal, if stdin is a terminal and this process has one that it can open. */
        static Terminal open() {
            try {
                String stdin = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/0")).toString();
                if (!stdin.startsWith("/dev/pts/") && !stdin.startsWith("/dev/tty")) {
                    return null;
                }
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return null;
            }
            try (FileInputStream probe = new FileInputStream(TTY)) {
                return new ControllingTerminal();
            } catch (IOException | SecurityException e) { // no controlling terminal (ENXIO), or no /dev/tty
                return null;
            }
        }

        @Override
        public char[] readSecret(String prompt) {
            try (FileOutputStream out = new FileOutputStream(TTY); FileInputStream in = new FileInputStream(TTY)) {
                out.write(prompt.getBytes(StandardCharsets.UTF_8));
                out.flush();
                // Ctrl-C while the person types ends the JVM through its shutdown hooks: echo comes back then too.
                Thread restore = new Thread(() -> stty("echo"), "stsfleet-restore-echo");
                boolean echoOff = stty("-echo");
                if (echoOff) {
                    Runtime.getRuntime().addShutdownHook(restore);
                }
                try {
                    return readLine(new InputStreamReader(in, StandardCharsets.UTF_8));
                } finally {
                    if (echoOff) {
                        stty("echo");
                        try {
                            Runtime.getRuntime().removeShutdownHook(restore);
                        } catch (IllegalStateException e) {
                            // shutting down already: the hook restores echo
                        }
                    }
                    out.write('\n'); // the Enter that was not echoed
                    out.flush();
                }
            } catch (FileNotFoundException e) {
                return null;
            } catch (IOException e) {
                throw new UsageException("cannot read from the terminal: " + e.getClass().getSimpleName());
            }
        }

        /** Runs {@code stty SETTING} on the terminal; whether it worked. */
        private static boolean stty(String setting) {
            try {
                Process p = new ProcessBuilder("stty", setting).redirectInput(new java.io.File(TTY))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                return p.waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static char[] readLine(Reader in) throws IOException {
            char[] buffer = new char[MAX_CHARS];
            int n = 0;
            int c;
            while ((c = in.read()) != -1 && c != '\n' && c != '\r') {
                if (n == buffer.length) {
                    Arrays.fill(buffer, '\0');
                    throw new UsageException("the line typed is longer than " + MAX_CHARS + " characters");
                }
                buffer[n++] = (char) c;
            }
            if (c == -1 && n == 0) {
                return null;
            }
            char[] line = Arrays.copyOf(buffer, n);
            Arrays.fill(buffer, '\0');
            return line;
        }
    }
}
