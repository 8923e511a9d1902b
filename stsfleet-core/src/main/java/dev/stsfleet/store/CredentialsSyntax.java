package dev.stsfleet.store;

/**
 * Whether the AWS SDK's profile reader would reject a credentials file, and where: the same decisions as
 * {@code software.amazon.awssdk.profiles.internal.ProfileFileReader} (lines split on {@code \n}, {@code \r}
 * or {@code \r\n}; blank and comment lines skipped; a {@code [} line must end with {@code ]} once trailing
 * comments are cut; a key line needs a section, an {@code =} and a name; an indented line continues the
 * current key, and after an empty value must itself read {@code key = value}; sections and keys with invalid
 * names are ignored with their lines), made on the raw bytes in one pass without building the profile maps,
 * so a 25 MB file is judged in a fraction of the SDK's time and memory. Only ASCII bytes decide, so the
 * result is the same for any ASCII-compatible encoding (UTF-8 included). Checked against the SDK's reader
 * line for line in the tests. Stateless.
 */
final class CredentialsSyntax {
    /** The SDK's reasons, as {@link CredentialsFileEditor#reasonFor} maps them. */
    static final String NO_CLOSING_BRACKET = "Profile definition must end with ']'";
    static final String NO_PROFILE = "Expected a profile definition";
    static final String NO_EQUALS = "Expected an '=' sign defining a property";
    static final String NO_NAME = "Property did not have a name";
    static final String NO_PARENT = "Expected a profile or property definition";

    /** The first problem: its 1-based line and the SDK's reason. */
    record Problem(int line, String reason) {
    }

    private CredentialsSyntax() {
    }

    /** Reads lines one at a time; a caller may feed several sources (the original bytes and new text). */
    static final class Checker {
        private int lineNumber;
        private boolean inProfile;
        private boolean ignoringProfile;
        private boolean hasProperty;
        private boolean ignoringProperty;
        private boolean subProperties;
        private Problem problem;

        /** Checks the line {@code b[from, to)} (without its terminator); false once a problem was found. */
        boolean line(byte[] b, int from, int to) {
            if (problem != null) {
                return false;
            }
            lineNumber++;
            if (blank(b, from, to) || b[from] == '#' || b[from] == ';') {
                return true;
            }
            if (b[from] == '[') {
                int end = trimEnd(b, from, cutComments(b, from, to, false));
                if (end <= from || b[end - 1] != ']') {
                    return fail(NO_CLOSING_BRACKET);
                }
                int nameFrom = trimStart(b, from + 1, end - 1);
                int nameTo = trimEnd(b, nameFrom, end - 1);
                inProfile = true;
                ignoringProfile = !identifier(b, nameFrom, nameTo);
                hasProperty = false;
                ignoringProperty = false;
                return true;
            }
            if (b[from] == ' ' || b[from] == '\t') {
                if (ignoringProfile || ignoringProperty) {
                    return true;
                }
                if (!inProfile || !hasProperty) {
                    return fail(NO_PARENT);
                }
                if (subProperties) {
                    int f = trimStart(b, from, to);
                    return property(b, f, trimEnd(b, f, to)) != null || problem == null;
                }
                return true;
            }
            if (ignoringProfile) {
                return true;
            }
            if (!inProfile) {
                return fail(NO_PROFILE);
            }
            int f = trimStart(b, from, to);
            int t = trimEnd(b, f, cutComments(b, from, to, true));
            t = Math.max(f, t);
            Boolean valid = property(b, f, t);
            if (valid == null) {
                return false;
            }
            if (!valid) {
                ignoringProperty = true;
                return true;
            }
            hasProperty = true;
            ignoringProperty = false;
            int eq = indexOf(b, f, t, (byte) '=');
            subProperties = trimStart(b, eq + 1, t) >= t;
            return true;
        }

        /** The first problem, if any line had one. */
        Problem problem() {
            return problem;
        }

        /** {@code null} after recording a problem; else whether the key's name is valid (else the line is ignored). */
        private Boolean property(byte[] b, int from, int to) {
            int eq = indexOf(b, from, to, (byte) '=');
            if (eq < 0) {
                fail(NO_EQUALS);
                return null;
            }
            int keyTo = trimEnd(b, from, eq);
            if (keyTo <= from) {
                fail(NO_NAME);
                return null;
            }
            return identifier(b, from, keyTo);
        }

        private boolean fail(String reason) {
            problem = new Problem(lineNumber, reason);
            return false;
        }
    }

    /** The first problem of a whole file, or {@code null}. */
    static Problem check(byte[] content) {
        Checker checker = new Checker();
        forEachLine(content, checker);
        return checker.problem();
    }

    /** Feeds every line of {@code content} to {@code checker}, as {@code BufferedReader.readLine} splits them. */
    static void forEachLine(byte[] content, Checker checker) {
        int i = 0;
        int n = content.length;
        while (i < n) {
            int j = i;
            while (j < n && content[j] != '\n' && content[j] != '\r') {
                j++;
            }
            if (!checker.line(content, i, j)) {
                return;
            }
            if (j < n && content[j] == '\r' && j + 1 < n && content[j + 1] == '\n') {
                j++;
            }
            i = j + 1;
        }
    }

    /** The SDK's empty line: only spaces and tabs. */
    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Where a trailing comment starts: any # or ; for a header, only after a space or tab for a key line. */
    private static int cutComments(byte[] b, int from, int to, boolean needsWhitespace) {
        for (int i = from; i < to; i++) {
            if (b[i] == '#' || b[i] == ';') {
                if (!needsWhitespace) {
                    return i;
                }
                if (i > from && (b[i - 1] == ' ' || b[i - 1] == '\t')) {
                    return i - 1;
                }
            }
        }
        return to;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** As {@link String#trim()}: characters up to U+0020. */
    private static int trimStart(byte[] b, int from, int to) {
        while (from < to && (b[from] & 0xff) <= ' ') {
            from++;
        }
        return from;
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] & 0xff) <= ' ') {
            to--;
        }
        return to;
    }

    /** The SDK's identifier: {@code [A-Za-z0-9_\-/.%@]*}. */
    private static boolean identifier(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i];
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '/' || c == '.' || c == '%' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
