package dev.stsfleet.store;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.format.CredentialsSection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.profiles.ProfileFileLocation;

/**
 * Adds, replaces and removes sections of an AWS shared credentials file without disturbing anything
 * else in it: every other section, key, comment and blank line keeps its exact bytes (line endings and
 * non-ASCII text included).
 *
 * <p><b>Why line-based, and why this is not an INI parser.</b> Reading profiles is the AWS SDK's job
 * ({@code software.amazon.awssdk.profiles}), and this class judges the file by the SDK reader's rules
 * ({@link CredentialsSyntax}, checked against the SDK's reader in the tests): a file the SDK rejects is never
 * overwritten (an {@link InvalidInputException} names the file and line), and the edited result is checked the
 * same way before it is written. But the SDK's
 * reader returns a map of values, which cannot write a file back without losing the comments, order and
 * formatting the user owns. So the splice works on raw lines, with only as much structure as a header
 * line gives: a section is its {@code [name]} line (a line starting with {@code [}, exactly as the SDK
 * decides) through its last key or continuation line. Blank lines and comments after a section's last
 * key belong to whatever follows (often they describe the next section) and are kept.
 *
 * <p>Rules: replacing a section replaces exactly its lines, in place; if the name occurs more than once
 * (the SDK merges duplicates, so a stale later copy would win) the later copies are removed. A new
 * section is appended after one blank line. Removing a section removes its lines and the one blank line
 * before it, so writing a section and removing it again gives back the original bytes. New lines use the
 * file's own line ending.
 *
 * <p>Every change runs under a {@link LockFile} on the file, re-reads it inside the lock, and is written
 * by {@link AtomicFiles} (mode 0600), so concurrent writers (threads or processes: {@code write},
 * {@code keep-fresh}) never lose each other's sections and readers never see half a file. A symbolic link
 * at the path is followed, so a dotfiles link keeps pointing at the edited file.
 *
 * <p>Immutable and thread-safe.
 */
public final class CredentialsFileEditor {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialsFileEditor.class);
    /** The SDK says "... on line N"; the number is all we take from it (see {@link #reasonFor}). */

    private final Path file;
    private final Duration lockTimeout;

    private CredentialsFileEditor(Builder b) {
        this.file = b.file != null ? b.file : ProfileFileLocation.credentialsFilePath();
        this.lockTimeout = b.lockTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The credentials file this editor changes. */
    public Path file() {
        return file;
    }

    /** Writes each section, replacing a section of the same name or appending it. */
    public void upsert(CredentialsSection... sections) {
        upsert(Arrays.asList(sections));
    }

    /**
     * Writes each section, replacing a section of the same name or appending it, in one atomic write.
     *
     * @throws InvalidInputException if a name is given twice, the existing file is malformed (naming file
     *                               and line; the file is then left untouched) or cannot be read or written
     * @throws LockTimeoutException  if another writer holds the file longer than the lock timeout
     */
    public void upsert(List<CredentialsSection> sections) {
        Map<String, CredentialsSection> byName = new LinkedHashMap<>();
        for (CredentialsSection s : sections) {
            if (byName.put(s.name(), s) != null) {
                throw new InvalidInputException("credentials section '" + s.name() + "' is given twice");
            }
        }
        if (byName.isEmpty()) {
            return;
        }
        Map<String, String> texts = new LinkedHashMap<>();
        byName.forEach((name, section) -> texts.put(name, section.text()));
        edit(lines -> lines.upsertAll(texts));
        LOG.debug("wrote credentials sections {} to {}", byName.keySet(), PosixModes.display(file));
    }

    /** Removes every section with one of {@code names}; names not present are ignored. */
    public void remove(String... names) {
        remove(Arrays.asList(names));
    }

    /**
     * Removes every section with one of {@code names}; names not present are ignored.
     *
     * @throws InvalidInputException for an invalid name, or as {@link #upsert(List)}
     */
    public void remove(List<String> names) {
        Set<String> valid = new LinkedHashSet<>();
        for (String name : names) {
            valid.add(CredentialsSection.requireValidName(name));
        }
        if (!Files.exists(file)) {
            return;
        }
        edit(lines -> valid.forEach(lines::remove));
        LOG.debug("removed credentials sections {} from {}", valid, PosixModes.display(file));
    }

    private interface Change {
        void apply(Lines lines);
    }

    /**
     * Checks, before any STS call or MFA prompt, everything a later write needs that can be checked now:
     * the file (a link's target) is a regular file the user lets us write (its owner-write bit set: a
     * 0400 file is the user's "do not touch", which root would otherwise override), its directory exists
     * and is writable (the atomic write puts a temporary file there), and its lock file can be opened.
     *
     * @throws InvalidInputException naming the file and the problem
     */
    public void checkWritable() {
        Path target = resolve();
        requireWritableFile(target);
        requireWritableDirectory(target);
        LockFile.preflight(target);
    }

    private static void requireWritableFile(Path target) {
        String shown = PosixModes.display(target);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException(shown + " is not a regular file");
            }
            boolean readOnly;
            try {
                readOnly = PosixModes.isPosix(target)
                        && !Files.getPosixFilePermissions(target).contains(PosixFilePermission.OWNER_WRITE);
            } catch (IOException e) {
                throw new InvalidInputException("cannot write " + shown + ": " + PosixModes.reason(e));
            }
            if (readOnly || !Files.isWritable(target)) {
                throw new InvalidInputException("cannot write " + shown + ": permission denied"
                        + (readOnly ? " (the file is read-only; chmod u+w to let stsfleet write it)" : ""));
            }
        }
    }

    private static void requireWritableDirectory(Path target) {
        String shown = PosixModes.display(target);
        Path dir = target.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new InvalidInputException("cannot write " + shown + ": its directory " + PosixModes.display(dir)
                    + " does not exist");
        }
        if (dir != null && !Files.isWritable(dir)) {
            throw new InvalidInputException("cannot write " + shown + ": its directory " + PosixModes.display(dir)
                    + " is not writable");
        }
    }

    @SuppressWarnings("try") // the lock is held for the block; it is not used inside
    private void edit(Change change) {
        Path target = resolve();
        requireWritableFile(target); // a read-only file stays as it is, on every write
        try (LockFile lock = LockFile.acquire(target, lockTimeout)) {
            byte[] before = read(target);
            validate(before, target);
            Lines lines = Lines.parse(before);
            change.apply(lines);
            CredentialsSyntax.Problem broken = lines.check();
            if (broken != null) {
                // Our own splice broke the file: a bug, and never a reason to write it.
                throw new IllegalStateException("refusing to write " + PosixModes.display(target)
                        + ": the edited content would not parse (line " + broken.line() + ")");
            }
            try {
                AtomicFiles.write(target, lines::writeTo);
            } catch (IOException e) {
                throw new InvalidInputException("cannot write " + PosixModes.display(target) + ": " + PosixModes.reason(e));
            }
        }
    }

    /** The file to change: a symbolic link's target, so the link survives the rename. */
    private Path resolve() {
        try {
            if (Files.isSymbolicLink(file)) {
                return file.toRealPath();
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot follow the link " + PosixModes.display(file) + ": " + PosixModes.reason(e));
        }
        return file.toAbsolutePath();
    }

    private static byte[] read(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return new byte[0];
        }
        if (!Files.isRegularFile(target)) {
            throw new InvalidInputException(PosixModes.display(target) + " is not a regular file");
        }
        try {
            return Files.readAllBytes(target);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + PosixModes.display(target) + ": " + PosixModes.reason(e));
        }
    }

    /**
     * Refuses content the SDK's reader would refuse ({@link CredentialsSyntax}, its rules on the raw bytes); the
     * rejection names the file and line, never the line's text.
     */
    static void validate(byte[] content, Path shownAs) {
        CredentialsSyntax.Problem problem = CredentialsSyntax.check(content);
        if (problem != null) {
            throw new InvalidInputException(PosixModes.display(shownAs) + " line " + problem.line() + ": "
                    + reasonFor(problem.reason()));
        }
    }

    /**
     * Our words for the SDK's reasons. Only known reasons are passed on: an unknown message might one
     * day quote the offending line, and a line of a credentials file may hold a secret.
     */
    static String reasonFor(String sdkReason) {
        return switch (sdkReason) {
            case "Expected an '=' sign defining a property" -> "expected 'key = value' or '[section]'";
            case "Expected a profile definition" -> "expected a '[section]' line before the first key";
            case "Profile definition must end with ']'" -> "a '[section]' line must end with ']'";
            case "Property did not have a name" -> "expected a key before '='";
            case "Expected a profile or property definition" ->
                    "expected 'key = value' or '[section]' (an indented line continues a value only after 'key =')";
            default -> "not a valid AWS credentials file line";
        };
    }

    /**
     * The file as lines, each a byte range of the original content (or new text) with its own terminator: text
     * we do not touch is written back byte for byte, whatever its encoding, and never copied on the way.
     */
    static final class Lines {
        private static final byte[] NONE = new byte[0];
        /** One line: {@code bytes[from, to)} and its terminator. */
        private record Line(byte[] bytes, int from, int to, byte[] end) {
            boolean header() {
                return to > from && bytes[from] == '[';
            }

            /** The name of a header line: between '[' and the first ']', stripped; {@code null} without ']'. */
            String headerName() {
                for (int i = from + 1; i < to; i++) {
                    if (bytes[i] == ']') {
                        return new String(bytes, from + 1, i - from - 1, StandardCharsets.ISO_8859_1).strip();
                    }
                }
                return null;
            }

            boolean blank() {
                for (int i = from; i < to; i++) {
                    if (!whitespace(bytes[i])) {
                        return false;
                    }
                }
                return true;
            }

            /** A key or continuation line: neither blank nor a comment (after leading whitespace). */
            boolean owned() {
                for (int i = from; i < to; i++) {
                    if (!whitespace(bytes[i])) {
                        return bytes[i] != '#' && bytes[i] != ';';
                    }
                }
                return false;
            }

            private static boolean whitespace(byte b) {
                return b == ' ' || (b >= 9 && b <= 13) || (b >= 0x1c && b <= 0x1f);
            }
        }

        private List<Line> lines;
        private final byte[] newline;

        private Lines(byte[] content) {
            List<Line> parsed = new ArrayList<>();
            byte[] first = null;
            int i = 0;
            int n = content.length;
            while (i < n) {
                int j = i;
                while (j < n && content[j] != '\n' && content[j] != '\r') {
                    j++;
                }
                byte[] end;
                if (j == n) {
                    end = NONE;
                } else if (content[j] == '\r' && j + 1 < n && content[j + 1] == '\n') {
                    end = CRLF;
                } else {
                    end = content[j] == '\n' ? LF : CR;
                }
                parsed.add(new Line(content, i, j, end));
                if (first == null && end.length > 0) {
                    first = end;
                }
                i = j + end.length;
            }
            this.lines = parsed;
            this.newline = first != null ? first : LF;
        }

        private static final byte[] LF = {'\n'};
        private static final byte[] CR = {'\r'};
        private static final byte[] CRLF = {'\r', '\n'};

        static Lines parse(byte[] content) {
            return new Lines(content);
        }

        /** The content as it is now, written to {@code out}. */
        void writeTo(OutputStream out) throws IOException {
            for (Line l : lines) {
                out.write(l.bytes(), l.from(), l.to() - l.from());
                out.write(l.end());
            }
        }

        byte[] bytes() {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try {
                writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        /** Feeds every line, as it is now, to the syntax checker. */
        CredentialsSyntax.Problem check() {
            CredentialsSyntax.Checker checker = new CredentialsSyntax.Checker();
            for (Line l : lines) {
                if (!checker.line(l.bytes(), l.from(), l.to())) {
                    break;
                }
            }
            return checker.problem();
        }

        private List<Line> fresh(String sectionText) {
            List<Line> out = new ArrayList<>();
            for (String line : sectionText.lines().toList()) {
                byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
                out.add(new Line(b, 0, b.length, newline));
            }
            return out;
        }

        /** Replaces the first section called {@code name} (dropping later copies) or appends one. */
        void upsert(String name, String sectionText) {
            upsertAll(Map.of(name, sectionText));
        }

        /**
         * As {@link #upsert} for each entry in order, in one pass over the file: linear in its size whatever the
         * number of sections.
         */
        void upsertAll(Map<String, String> sections) {
            List<Line> out = new ArrayList<>(lines.size() + sections.size() * 6);
            Set<String> written = new HashSet<>();
            int i = 0;
            while (i < lines.size()) {
                Line line = lines.get(i);
                String name = line.header() ? line.headerName() : null;
                if (name == null || !sections.containsKey(name)) {
                    out.add(line);
                    i++;
                    continue;
                }
                int last = lastOwned(i);
                if (written.add(name)) {
                    out.addAll(fresh(sections.get(name)));
                } else if (!out.isEmpty() && out.get(out.size() - 1).blank()) {
                    // A later copy goes with the blank line before it, as removeAt does.
                    out.remove(out.size() - 1);
                }
                i = last + 1;
            }
            lines = out;
            for (Map.Entry<String, String> e : sections.entrySet()) {
                if (!written.contains(e.getKey())) {
                    append(fresh(e.getValue()));
                }
            }
        }

        void remove(String name) {
            int at;
            while ((at = find(name, 0)) >= 0) {
                removeAt(at);
            }
        }

        private void append(List<Line> fresh) {
            if (!lines.isEmpty()) {
                int last = lines.size() - 1;
                Line l = lines.get(last);
                if (l.end().length == 0) {
                    lines.set(last, new Line(l.bytes(), l.from(), l.to(), newline));
                }
                if (!l.blank()) {
                    lines.add(new Line(NONE, 0, 0, newline));
                }
            }
            lines.addAll(fresh);
        }

        /** Removes the section at header {@code at} and the one blank line that separated it. */
        private void removeAt(int at) {
            int last = lastOwned(at);
            int from = at;
            int to = last;
            if (at > 0 && lines.get(at - 1).blank()) {
                from = at - 1;
            } else if (at == 0 && last + 1 < lines.size() && lines.get(last + 1).blank()) {
                to = last + 1;
            }
            lines.subList(from, to + 1).clear();
        }

        private int find(String name, int from) {
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).header() && name.equals(lines.get(i).headerName())) {
                    return i;
                }
            }
            return -1;
        }

        /** The last line a section owns: its header or its last key/continuation line. */
        private int lastOwned(int header) {
            int last = header;
            for (int i = header + 1; i < lines.size() && !lines.get(i).header(); i++) {
                if (lines.get(i).owned()) {
                    last = i;
                }
            }
            return last;
        }
    }


    /** Builds a {@link CredentialsFileEditor}. Not thread-safe. */
    public static final class Builder {
        private Path file;
        private Duration lockTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * The credentials file to edit. Default: the AWS SDK's location ({@code AWS_SHARED_CREDENTIALS_FILE},
         * else {@code ~/.aws/credentials}).
         */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /** How long to wait for another writer to release the file. Default: 30 seconds. */
        public Builder lockTimeout(Duration lockTimeout) {
            if (lockTimeout.isNegative()) {
                throw new IllegalArgumentException("lockTimeout must not be negative");
            }
            this.lockTimeout = lockTimeout;
            return this;
        }

        public CredentialsFileEditor build() {
            return new CredentialsFileEditor(this);
        }
    }

    @Override
    public String toString() {
        return "CredentialsFileEditor[" + file + "]";
    }
}
