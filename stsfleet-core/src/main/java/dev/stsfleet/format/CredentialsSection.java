package dev.stsfleet.format;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.Redaction;
import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One section of an AWS shared credentials file:
 * <pre>
 * [name]
 * aws_access_key_id = ...
 * aws_secret_access_key = ...
 * aws_session_token = ...
 * x_stsfleet_expiration = 2026-11-21T18:00:00Z
 * </pre>
 * {@code x_stsfleet_expiration} is ours (ISO-8601 UTC); the AWS SDKs and CLI ignore unknown keys, and it
 * tells a reader (and {@code keep-fresh}) how long the section is good for.
 *
 * <p>Validated when built, so the text can never inject a line or a section: the name must be one the
 * AWS SDK accepts as a credentials-file profile name ({@code [A-Za-z0-9_%+./:@-]}, which excludes
 * {@code ]}, whitespace and newlines); every value must be printable ASCII without whitespace and must
 * not start with a comment character. Immutable and thread-safe; {@link #toString()} shows only the
 * name, the last four characters of the access key id and the expiry.
 */
public final class CredentialsSection {
    /** Profile names the AWS SDK's profile reader accepts in a credentials file (others it ignores). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_%+./:@-]{1,256}");

    private final String name;
    private final TemporaryCredentials credentials;
    private final String text;

    private CredentialsSection(String name, TemporaryCredentials credentials) {
        this.name = requireValidName(name);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.text = "[" + name + "]\n"
                + line("aws_access_key_id", credentials.accessKeyId())
                + line("aws_secret_access_key", credentials.secretAccessKey())
                + line("aws_session_token", credentials.sessionToken())
                + line("x_stsfleet_expiration", TemporaryCredentials.isoUtc(credentials.expiration()));
    }

    /**
     * @param name the section name, e.g. {@code sts-prod}
     * @throws InvalidInputException if {@code name} is not a valid section name
     * @throws IllegalArgumentException if a credential value cannot be written as one INI value
     */
    public static CredentialsSection of(String name, TemporaryCredentials credentials) {
        return new CredentialsSection(name, credentials);
    }

    /**
     * Checks a section name (for writing or removing).
     *
     * @return {@code name}
     * @throws InvalidInputException naming the problem (the name shown with control characters escaped)
     */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("invalid credentials section name " + describe(name)
                    + ": use 1 to 256 of the characters A-Z a-z 0-9 _ % + . / : @ -");
        }
        return name;
    }

    public String name() {
        return name;
    }

    public TemporaryCredentials credentials() {
        return credentials;
    }

    /** The section's lines, each ending in {@code \n}, starting with the {@code [name]} header. */
    public String text() {
        return text;
    }

    /** Writes {@link #text()} to {@code out}, which it flushes and never closes. */
    public void render(Writer out) {
        try {
            out.write(text);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output", e);
        }
    }

    @Override
    public String toString() {
        return "CredentialsSection[name=" + name + ", accessKeyId=" + Redaction.accessKeyId(credentials.accessKeyId())
                + ", expiration=" + TemporaryCredentials.isoUtc(credentials.expiration()) + "]";
    }

    private static String line(String key, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                // The key, never the value: the value is a secret.
                throw new IllegalArgumentException("the value of " + key
                        + " has a character a credentials file cannot hold (whitespace, control or non-ASCII)");
            }
        }
        if (value.startsWith("#") || value.startsWith(";")) {
            throw new IllegalArgumentException("the value of " + key + " starts with a comment character");
        }
        return key + " = " + value + "\n";
    }

    /** A name for a message: quoted, control characters escaped, so a newline cannot forge a line. */
    static String describe(String name) {
        if (name == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("'");
        name.codePoints().limit(80).forEach(cp -> {
            if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (Character.isISOControl(cp)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        if (name.codePointCount(0, name.length()) > 80) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
