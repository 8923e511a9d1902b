package dev.stsfleet.format;

import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Shell statements that put one set of credentials into the environment, for
 * {@code eval "$(stsfleet env prod)"} (bash, zsh), {@code stsfleet env prod --shell fish | source} and
 * {@code stsfleet env prod --shell powershell | Invoke-Expression}.
 *
 * <p>First the profile selectors {@link #UNSET} are removed, then {@link #variables} are set. Both
 * {@code AWS_PROFILE} and {@code AWS_DEFAULT_PROFILE} are unset: botocore (the AWS CLI, boto3, Ansible)
 * still reads {@code AWS_DEFAULT_PROFILE} as a synonym of {@code AWS_PROFILE}, and a profile left
 * selected makes tools that prefer a named profile (or mix its region, role_arn or credential_process
 * into the session) act as a different identity from the one just exported.
 *
 * <p>Every value is single-quoted with the escape rule of its shell, so no value can end the quoting,
 * expand a variable or run a command: POSIX shells {@code '} as {@code '\''}; fish {@code \} and
 * {@code '} backslash-escaped; PowerShell every single-quote character (including the typographic
 * ones PowerShell also accepts as quotes) doubled. Newlines stay literal inside the quotes in all four.
 * A value containing NUL (which no environment can hold) is refused.
 *
 * <p>Pure: writes to the given {@link Writer}, which it flushes and never closes. Immutable and
 * thread-safe.
 */
public final class EnvRenderer {
    /** The variables removed before the credentials are set. */
    public static final List<String> UNSET = List.of("AWS_PROFILE", "AWS_DEFAULT_PROFILE");

    private final Shell shell;
    private final boolean legacy;

    /**
     * @param legacy also set the EC2 API tools' names {@code AWS_ACCESS_KEY}, {@code AWS_SECRET_KEY},
     *               {@code AWS_DELEGATION_TOKEN}
     */
    public EnvRenderer(Shell shell, boolean legacy) {
        this.shell = Objects.requireNonNull(shell, "shell");
        this.legacy = legacy;
    }

    /**
     * The variables to set, in output order: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
     * {@code AWS_SESSION_TOKEN}, {@code AWS_SECURITY_TOKEN} (the same token, for older boto),
     * {@code AWS_CREDENTIAL_EXPIRATION} (ISO-8601 UTC), and with {@code legacy} the EC2 tools' names.
     * The same map serves {@code exec} for a child's environment.
     */
    public static Map<String, String> variables(TemporaryCredentials credentials, boolean legacy) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        vars.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        vars.put("AWS_SESSION_TOKEN", credentials.sessionToken());
        vars.put("AWS_SECURITY_TOKEN", credentials.sessionToken());
        vars.put("AWS_CREDENTIAL_EXPIRATION", TemporaryCredentials.isoUtc(credentials.expiration()));
        if (legacy) {
            vars.put("AWS_ACCESS_KEY", credentials.accessKeyId());
            vars.put("AWS_SECRET_KEY", credentials.secretAccessKey());
            vars.put("AWS_DELEGATION_TOKEN", credentials.sessionToken());
        }
        return Collections.unmodifiableMap(vars);
    }

    public Shell shell() {
        return shell;
    }

    public boolean legacy() {
        return legacy;
    }

    public void render(TemporaryCredentials credentials, Writer out) {
        render(credentials, Map.of(), out);
    }

    /**
     * The statements for {@code credentials}, then one per entry of {@code extra} (settings that are not
     * secrets, such as {@code AWS_REGION}), in its order.
     */
    public void render(TemporaryCredentials credentials, Map<String, String> extra, Writer out) {
        StringBuilder text = new StringBuilder();
        for (String name : UNSET) {
            text.append(unset(name)).append('\n');
        }
        variables(credentials, legacy).forEach((name, value) -> text.append(set(name, value)).append('\n'));
        extra.forEach((name, value) -> text.append(set(name, value)).append('\n'));
        try {
            out.write(text.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output", e);
        }
    }

    private String unset(String name) {
        return switch (shell) {
            case BASH, ZSH -> "unset " + name;
            // fish keeps the status of a failed `set -e` (variable not set) through later `set`s: reset it.
            case FISH -> "set -e " + name + "; or true";
            case POWERSHELL -> "Remove-Item -Path Env:" + name + " -ErrorAction SilentlyContinue";
        };
    }

    private String set(String name, String value) {
        String quoted = quote(shell, name, value);
        return switch (shell) {
            case BASH, ZSH -> "export " + name + "=" + quoted;
            case FISH -> "set -gx " + name + " " + quoted;
            case POWERSHELL -> "$Env:" + name + " = " + quoted;
        };
    }

    /** {@code value} as one single-quoted word of {@code shell}; {@code name} only names it in errors. */
    static String quote(Shell shell, String name, String value) {
        if (value.indexOf('\0') >= 0) {
            // The name, never the value: the value is a secret.
            throw new IllegalArgumentException("the value of " + name + " contains NUL, which no environment can hold");
        }
        StringBuilder b = new StringBuilder(value.length() + 8).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (shell) {
                case BASH, ZSH -> b.append(c == '\'' ? "'\\''" : String.valueOf(c));
                case FISH -> {
                    if (c == '\'' || c == '\\') {
                        b.append('\\');
                    }
                    b.append(c);
                }
                case POWERSHELL -> {
                    // PowerShell treats U+2018..U+201B as single quotes too; doubling escapes each.
                    if (c == '\'' || (c >= '\u2018' && c <= '\u201B')) {
                        b.append(c);
                    }
                    b.append(c);
                }
                default -> throw new IllegalStateException();
            }
        }
        return b.append('\'').toString();
    }
}
