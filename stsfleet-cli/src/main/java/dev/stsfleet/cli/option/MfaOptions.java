package dev.stsfleet.cli.option;

import dev.stsfleet.MfaPrompt;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.Terminal;
import dev.stsfleet.cli.UsageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The MFA codes of a command: {@code --mfa-code CODE} when one device needs a code, {@code --mfa-code
 * DEVICE=CODE} (repeatable) when several do; on a terminal, a no-echo prompt for each device that has no code and
 * no cached session. Without a terminal, a missing code is exit 2 naming every device that needs one, before any
 * call. Codes are never echoed.
 */
public final class MfaOptions {
    /** What to tell a user whose code is missing and cannot be asked for. */
    public static final String HINT = "pass --mfa-code CODE (or --mfa-code DEVICE=CODE for each device), or run "
            + "'stsfleet session-token --profile {profile}' first: its MFA session serves later commands until it ends";

    @Option(names = "--mfa-code", paramLabel = "[DEVICE=]CODE",
            description = "The current 6-digit MFA code; DEVICE=CODE (repeatable) when the selected roles need several "
                    + "MFA devices. Missing codes are asked for on a terminal (no echo); a cached MFA session needs none.")
    List<String> values = new ArrayList<>();

    /** Whether the user gave any code on the command line. */
    public boolean given() {
        return !values.isEmpty();
    }

    /** The codes given as DEVICE=CODE, by device. */
    public Map<String, String> byDevice() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.lastIndexOf('=');
            if (eq >= 0) {
                String device = v.substring(0, eq).trim();
                if (out.put(device, v.substring(eq + 1).trim()) != null) {
                    throw new UsageException("--mfa-code names device " + device + " more than once");
                }
            }
        }
        return out;
    }

    /** The one code given without a device, or {@code null}. */
    public String anyDevice() {
        List<String> bare = values.stream().filter(v -> v.indexOf('=') < 0).map(String::trim).toList();
        if (bare.size() > 1) {
            throw new UsageException("--mfa-code CODE was given " + bare.size() + " times; name each device as "
                    + "--mfa-code DEVICE=CODE");
        }
        return bare.isEmpty() ? null : bare.get(0);
    }

    /** Gives the fleet these codes and, on a terminal, a prompt for the missing ones. */
    public StsFleet.Builder applyTo(StsFleet.Builder builder, CliContext context) {
        return builder.mfaCodes(byDevice()).mfaCode(anyDevice()).mfaPrompt(prompt(context)).mfaHint(HINT);
    }

    /** A no-echo prompt on the context's terminal, or {@code null} without one. */
    public static MfaPrompt prompt(CliContext context) {
        Terminal terminal = context.terminal();
        if (terminal == null) {
            return null;
        }
        return (device, profile) -> {
            char[] typed = terminal.readSecret("MFA code for " + device + " (profile " + profile + "): ");
            if (typed == null) {
                throw new UsageException("no MFA code was entered");
            }
            try {
                return new String(typed).trim();
            } finally {
                Arrays.fill(typed, '\0');
            }
        };
    }

    /**
     * The code for one known device (session-token, cross-account): DEVICE=CODE for it, or the code given
     * without a device, else a prompt on the terminal.
     *
     * @throws UsageException when there is no code and no terminal to ask on
     */
    public String code(CliContext context, String device, String profile) {
        return code(context, device, profile, true);
    }

    /**
     * {@link #code(CliContext, String, String)}; {@code suggestSessionToken} false for session-token itself, whose
     * missing-code line then only says how to pass a code.
     */
    public String code(CliContext context, String device, String profile, boolean suggestSessionToken) {
        String code = byDevice().getOrDefault(device, anyDevice());
        if (code != null) {
            return code;
        }
        MfaPrompt prompt = prompt(context);
        if (prompt == null) {
            throw new UsageException("an MFA code is needed for " + device + " and there is no terminal to ask on: "
                    + (suggestSessionToken ? HINT.replace("{profile}", profile) : "pass --mfa-code CODE"));
        }
        return prompt.code(device, profile);
    }
}
