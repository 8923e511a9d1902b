package dev.stsfleet.cli.option;

import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.UsageException;
import java.io.Console;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * The MFA code of a command: from {@code --mfa-code CODE}, or typed at a no-echo prompt on a terminal
 * ({@code --mfa-code} alone also prompts). Without a terminal and without the option, a command that
 * needs a code fails with one line saying how to pass it. The code is held as a char array and
 * zeroed once read into the request.
 */
public final class MfaOptions {
    @Option(names = "--mfa-code", paramLabel = "CODE", arity = "0..1", interactive = true,
            description = "The current 6-digit MFA code. Without a value, or when absent on a terminal, it is prompted for (no echo).")
    char[] mfaCode;

    /** Whether the user gave a code on the command line (or typed it at picocli's prompt). */
    public boolean given() {
        return mfaCode != null && mfaCode.length > 0;
    }

    /**
     * The code for {@code device}: the option's value, else a prompt on the context's terminal.
     *
     * @throws UsageException when there is no code and no terminal to ask on
     */
    public String code(CliContext context, String device, String commandHint) {
        if (given()) {
            String code = new String(mfaCode).trim();
            Arrays.fill(mfaCode, '\0');
            mfaCode = null;
            return code;
        }
        Console console = context.console();
        if (console == null) {
            throw new UsageException("an MFA code is needed for " + device + " and there is no terminal to ask on: "
                    + "pass --mfa-code CODE" + (commandHint == null ? "" : " (" + commandHint + ")"));
        }
        char[] typed = console.readPassword("MFA code for %s: ", device);
        if (typed == null) {
            throw new UsageException("no MFA code was entered");
        }
        try {
            return new String(typed).trim();
        } finally {
            Arrays.fill(typed, '\0');
        }
    }
}
