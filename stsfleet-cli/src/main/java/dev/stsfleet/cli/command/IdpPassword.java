package dev.stsfleet.cli.command;

import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.Terminal;
import dev.stsfleet.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads an IdP password ({@code saml}, and {@code generate} for SAML-backed profiles): never from an argument. */
final class IdpPassword {
    private static final int MAX_PASSWORD_CHARS = 4096;

    private IdpPassword() {
    }

    /**
     * The IdP password: the first line of stdin when {@code fromStdin}, else typed at a no-echo prompt; without a
     * terminal, one usage error line (exit 2). The caller zeroes it.
     */
    static char[] read(CliContext context, boolean fromStdin, String prompt) {
        if (fromStdin) {
            char[] line = readLine(context.stdin());
            if (line.length == 0) {
                throw new UsageException("--password-stdin: stdin holds no password");
            }
            return line;
        }
        Terminal terminal = context.terminal();
        if (terminal == null) {
            throw new UsageException("the IdP password is needed and there is no terminal to ask on: "
                    + "pipe it in with --password-stdin");
        }
        char[] typed = terminal.readSecret(prompt);
        if (typed == null || typed.length == 0) {
            throw new UsageException("no password was entered");
        }
        return typed;
    }

    /** The first line of stdin as chars (UTF-8), without building a String that would linger. */
    static char[] readLine(InputStream in) {
        char[] buffer = new char[MAX_PASSWORD_CHARS];
        int n = 0;
        try {
            java.io.Reader reader = new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8);
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                if (n == buffer.length) {
                    throw new UsageException("--password-stdin: the first line is longer than " + MAX_PASSWORD_CHARS
                            + " characters");
                }
                buffer[n++] = (char) c;
            }
            if (n > 0 && buffer[n - 1] == '\r') {
                n--;
            }
            return Arrays.copyOf(buffer, n);
        } catch (IOException e) {
            throw new UsageException("--password-stdin: cannot read stdin: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(buffer, '\0');
        }
    }
}
