package dev.stsfleet.store;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.format.CredentialsSection;
import java.io.IOException;
import java.io.InputStream;
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
        edit(Splice.upsert(texts));
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
        edit(Splice.remove(valid));
        LOG.debug("removed credentials sections {} from {}", valid, PosixModes.display(file));
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
    private void edit(Splice splice) {
        Path target = resolve();
        requireWritableFile(target); // a read-only file stays as it is, on every write
        try (LockFile lock = LockFile.acquire(target, lockTimeout)) {
            try (InputStream in = open(target)) {
                AtomicFiles.write(target, out -> splice.run(in, out, target));
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

    /** The file's content, read as it is spliced; an empty stream for a missing file. */
    private static InputStream open(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return InputStream.nullInputStream();
        }
        if (!Files.isRegularFile(target)) {
            throw new InvalidInputException(PosixModes.display(target) + " is not a regular file");
        }
        try {
            return Files.newInputStream(target);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + PosixModes.display(target) + ": " + PosixModes.reason(e));
        }
    }

    /**
     * Refuses content the SDK's reader would refuse ({@link CredentialsSyntax}, its rules on the raw bytes); the
     * rejection names the file and line, never the line's text.
     */
    static InvalidInputException malformed(CredentialsSyntax.Problem problem, Path shownAs) {
        return new InvalidInputException(PosixModes.display(shownAs) + " line " + problem.line() + ": "
                + reasonFor(problem.reason()));
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
     * One edit, made in one pass over the file: each line is read, checked by the SDK reader's rules
     * ({@link CredentialsSyntax}) and written back byte for byte (its own terminator, whatever its encoding)
     * unless a change owns it, so memory stays the size of a few lines whatever the size of the file. A
     * section is its header through its last key or continuation line: blank and comment lines after that
     * belong to whatever follows, so while a section is skipped they are held until the next key (still the
     * section's) or header (not) decides. The trailing blank lines written last are held back too, with the
     * line before them: a removed section (or a later copy) takes the blank line before it, and an appended
     * one may need a line ending and one blank line before it. The edited lines are checked by the same rules
     * as they are written. Not reusable: one instance per edit.
     */
    static final class Splice {
        private static final byte[] NONE = new byte[0];
        private static final byte[] LF = {'\n'};
        private static final byte[] CR = {'\r'};
        private static final byte[] CRLF = {'\r', '\n'};

        /** One line: its bytes, without the terminator, and the terminator. */
        private record Line(byte[] text, byte[] end) {
            boolean header() {
                return text.length > 0 && text[0] == '[';
            }

            /** The name of a header line: between '[' and the first ']', stripped; {@code null} without ']'. */
            String headerName() {
                for (int i = 1; i < text.length; i++) {
                    if (text[i] == ']') {
                        return new String(text, 1, i - 1, StandardCharsets.ISO_8859_1).strip();
                    }
                }
                return null;
            }

            boolean blank() {
                for (byte b : text) {
                    if (!whitespace(b)) {
                        return false;
                    }
                }
                return true;
            }

            /** A key or continuation line: neither blank nor a comment (after leading whitespace). */
            boolean owned() {
                for (byte b : text) {
                    if (!whitespace(b)) {
                        return b != '#' && b != ';';
                    }
                }
                return false;
            }

            private static boolean whitespace(byte b) {
                return b == ' ' || (b >= 9 && b <= 13) || (b >= 0x1c && b <= 0x1f);
            }
        }

        /** Sections to write by name, in the order new ones are appended. */
        private final Map<String, String> upserts;
        /** Sections to remove, every copy. */
        private final Set<String> removals;

        private final CredentialsSyntax.Checker input = new CredentialsSyntax.Checker();
        private final CredentialsSyntax.Checker output = new CredentialsSyntax.Checker();
        private final Set<String> written = new HashSet<>();
        /** The file's own line ending: the first one in it, else LF. */
        private byte[] newline;
        private OutputStream out;
        private boolean wroteAny;
        /** Lines emitted but not yet written: the last non-blank one (when any was) and the blank ones after it. */
        private final List<Line> held = new ArrayList<>();
        /** Inside a section being replaced or removed, whose lines are dropped up to its last key. */
        private boolean skipping;
        /** Blank and comment lines after the skipped section's last key so far. */
        private final List<Line> tail = new ArrayList<>();
        /** A section removed at the very top takes the blank line after it instead of one before. */
        private boolean dropBlankAfter;

        private Splice(Map<String, String> upserts, Set<String> removals) {
            this.upserts = upserts;
            this.removals = removals;
        }

        /** Replaces the first section of each name (dropping later copies) or appends it. */
        static Splice upsert(Map<String, String> sections) {
            return new Splice(sections, Set.of());
        }

        /** Removes every section with one of {@code names}, each with the one blank line that separated it. */
        static Splice remove(Set<String> names) {
            return new Splice(Map.of(), names);
        }

        /**
         * Reads {@code in} and writes the edited content to {@code sink}.
         *
         * @throws InvalidInputException if the content is malformed, naming {@code shownAs} and the line
         */
        void run(InputStream in, OutputStream sink, Path shownAs) throws IOException {
            out = sink;
            LineReader reader = new LineReader(in);
            Line line;
            while ((line = reader.next()) != null) {
                if (newline == null && line.end().length > 0) {
                    newline = line.end();
                }
                if (!input.line(line.text(), 0, line.text().length)) {
                    throw malformed(input.problem(), shownAs);
                }
                accept(line);
            }
            if (newline == null) {
                newline = LF;
            }
            endSkip();
            for (Map.Entry<String, String> e : upserts.entrySet()) {
                if (!written.contains(e.getKey())) {
                    append(e.getValue());
                }
            }
            flush();
            CredentialsSyntax.Problem broken = output.problem();
            if (broken != null) {
                // Our own splice broke the file: a bug, and never a reason to write it.
                throw new IllegalStateException("refusing to write " + PosixModes.display(shownAs)
                        + ": the edited content would not parse (line " + broken.line() + ")");
            }
        }

        private void accept(Line line) throws IOException {
            String name = line.header() ? line.headerName() : null;
            if (skipping) {
                if (name == null) {
                    if (line.owned()) {
                        tail.clear(); // a key further down: what was held was inside the section
                    } else {
                        tail.add(line);
                    }
                    return;
                }
                endSkip();
            }
            if (name != null && (upserts.containsKey(name) || removals.contains(name))) {
                skipping = true;
                if (upserts.containsKey(name) && written.add(name)) {
                    fresh(upserts.get(name));
                } else if (!held.isEmpty() && held.get(held.size() - 1).blank()) {
                    held.remove(held.size() - 1); // a removed section, or a later copy, goes with the blank before it
                } else if (!wroteAny && held.isEmpty() && removals.contains(name)) {
                    dropBlankAfter = true;
                }
                return;
            }
            emit(line);
        }

        private void endSkip() throws IOException {
            if (!skipping) {
                return;
            }
            skipping = false;
            int from = dropBlankAfter && !tail.isEmpty() && tail.get(0).blank() ? 1 : 0;
            dropBlankAfter = false;
            for (int i = from; i < tail.size(); i++) {
                emit(tail.get(i));
            }
            tail.clear();
        }

        private void append(String sectionText) throws IOException {
            if (!held.isEmpty()) {
                int last = held.size() - 1;
                Line l = held.get(last);
                if (l.end().length == 0) {
                    held.set(last, new Line(l.text(), newline));
                }
                if (!l.blank()) {
                    emit(new Line(NONE, newline));
                }
            }
            fresh(sectionText);
        }

        private void fresh(String sectionText) throws IOException {
            byte[] end = newline != null ? newline : LF;
            for (String l : sectionText.lines().toList()) {
                emit(new Line(l.getBytes(StandardCharsets.ISO_8859_1), end));
            }
        }

        private void emit(Line line) throws IOException {
            if (!line.blank()) {
                flush();
            }
            held.add(line);
        }

        private void flush() throws IOException {
            for (Line l : held) {
                output.line(l.text(), 0, l.text().length);
                out.write(l.text());
                out.write(l.end());
                wroteAny = true;
            }
            held.clear();
        }

        /** Splits a stream into lines as {@code BufferedReader.readLine} does (LF, CR or CRLF), keeping each terminator. */
        private static final class LineReader {
            private final InputStream in;
            private final byte[] buffer = new byte[1 << 16];
            private int position;
            private int limit;
            private byte[] line = new byte[256];
            private int length;

            LineReader(InputStream in) {
                this.in = in;
            }

            /** The next line, or {@code null} at the end. */
            Line next() throws IOException {
                length = 0;
                while (true) {
                    if (position == limit && !fill()) {
                        return length == 0 ? null : new Line(Arrays.copyOf(line, length), NONE);
                    }
                    byte b = buffer[position++];
                    if (b == '\n') {
                        return new Line(Arrays.copyOf(line, length), LF);
                    }
                    if (b == '\r') {
                        if ((position < limit || fill()) && buffer[position] == '\n') {
                            position++;
                            return new Line(Arrays.copyOf(line, length), CRLF);
                        }
                        return new Line(Arrays.copyOf(line, length), CR);
                    }
                    if (length == line.length) {
                        line = Arrays.copyOf(line, length * 2);
                    }
                    line[length++] = b;
                }
            }

            private boolean fill() throws IOException {
                int n = in.read(buffer);
                if (n <= 0) {
                    return false;
                }
                position = 0;
                limit = n;
                return true;
            }
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
