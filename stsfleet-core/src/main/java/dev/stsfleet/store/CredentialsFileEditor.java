package dev.stsfleet.store;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.format.CredentialsSection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;

/**
 * Adds, replaces and removes sections of an AWS shared credentials file without disturbing anything
 * else in it: every other section, key, comment and blank line keeps its exact bytes (line endings and
 * non-ASCII text included).
 *
 * <p><b>Why line-based, and why this is not an INI parser.</b> Reading profiles is the AWS SDK's job
 * ({@code software.amazon.awssdk.profiles}), and this class does use the SDK's {@link ProfileFile} to
 * judge the file: a file the SDK rejects is never overwritten (an {@link InvalidInputException} names the
 * file and line), and the edited result is checked the same way before it is written. But the SDK's
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
    private static final Pattern SDK_LINE = Pattern.compile("^(.*) on line (\\d+)\\s*$");

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
            byte[] after = lines.bytes();
            try {
                validate(after, target);
            } catch (InvalidInputException e) {
                // Our own splice broke the file: a bug, and never a reason to write it.
                throw new IllegalStateException("refusing to write " + PosixModes.display(target)
                        + ": the edited content would not parse", e);
            }
            try {
                AtomicFiles.write(target, after);
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

    /** Lets the SDK's reader judge the content; a rejection names the file and line. */
    static void validate(byte[] content, Path shownAs) {
        try {
            ProfileFile.builder()
                    .content(new ByteArrayInputStream(content))
                    .type(ProfileFile.Type.CREDENTIALS)
                    .build()
                    .profiles();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            Matcher m = SDK_LINE.matcher(message);
            String where = m.matches() ? " line " + m.group(2) : "";
            throw new InvalidInputException(PosixModes.display(shownAs) + where + ": "
                    + reasonFor(m.matches() ? m.group(1) : message));
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
     * The file as lines with their own terminators. ISO-8859-1 maps each byte to one char and back,
     * so text we do not touch comes out byte for byte whatever its encoding.
     */
    static final class Lines {
        private final List<String> text = new ArrayList<>();
        private final List<String> ends = new ArrayList<>();
        private final String newline;

        private Lines(String content) {
            int i = 0;
            int n = content.length();
            while (i < n) {
                int j = i;
                while (j < n && content.charAt(j) != '\n' && content.charAt(j) != '\r') {
                    j++;
                }
                String end;
                if (j == n) {
                    end = "";
                } else if (content.charAt(j) == '\r' && j + 1 < n && content.charAt(j + 1) == '\n') {
                    end = "\r\n";
                } else {
                    end = String.valueOf(content.charAt(j));
                }
                text.add(content.substring(i, j));
                ends.add(end);
                i = j + end.length();
            }
            this.newline = ends.stream().filter(e -> !e.isEmpty()).findFirst().orElse("\n");
        }

        static Lines parse(byte[] content) {
            return new Lines(new String(content, StandardCharsets.ISO_8859_1));
        }

        byte[] bytes() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < text.size(); i++) {
                b.append(text.get(i)).append(ends.get(i));
            }
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /** Replaces the first section called {@code name} (dropping later copies) or appends one. */
        void upsert(String name, String sectionText) {
            List<String> fresh = sectionText.lines().toList();
            int first = find(name, 0);
            if (first < 0) {
                append(fresh);
                return;
            }
            int next;
            while ((next = find(name, first + 1)) >= 0) {
                removeAt(next);
            }
            int last = lastOwned(first);
            for (int i = last; i >= first; i--) {
                text.remove(i);
                ends.remove(i);
            }
            for (int k = 0; k < fresh.size(); k++) {
                text.add(first + k, fresh.get(k));
                ends.add(first + k, newline);
            }
        }

        /**
         * As {@link #upsert} for each entry in order, in one pass over the file: linear in its size
         * whatever the number of sections (one upsert at a time rescans and shifts the whole list).
         */
        void upsertAll(Map<String, String> sections) {
            List<String> newText = new ArrayList<>(text.size() + sections.size() * 6);
            List<String> newEnds = new ArrayList<>(ends.size() + sections.size() * 6);
            Set<String> written = new HashSet<>();
            int i = 0;
            while (i < text.size()) {
                String line = text.get(i);
                String name = isHeader(line) ? headerName(line) : null;
                if (name == null || !sections.containsKey(name)) {
                    newText.add(line);
                    newEnds.add(ends.get(i));
                    i++;
                    continue;
                }
                int last = lastOwned(i);
                if (written.add(name)) {
                    for (String fresh : sections.get(name).lines().toList()) {
                        newText.add(fresh);
                        newEnds.add(newline);
                    }
                } else if (!newText.isEmpty() && newText.get(newText.size() - 1).isBlank()) {
                    // A later copy goes with the blank line before it, as removeAt does.
                    newText.remove(newText.size() - 1);
                    newEnds.remove(newEnds.size() - 1);
                }
                i = last + 1;
            }
            text.clear();
            text.addAll(newText);
            ends.clear();
            ends.addAll(newEnds);
            for (Map.Entry<String, String> e : sections.entrySet()) {
                if (!written.contains(e.getKey())) {
                    append(e.getValue().lines().toList());
                }
            }
        }

        void remove(String name) {
            int at;
            while ((at = find(name, 0)) >= 0) {
                removeAt(at);
            }
        }

        private void append(List<String> fresh) {
            if (!text.isEmpty()) {
                int last = text.size() - 1;
                if (ends.get(last).isEmpty()) {
                    ends.set(last, newline);
                }
                if (!text.get(last).isBlank()) {
                    text.add("");
                    ends.add(newline);
                }
            }
            for (String line : fresh) {
                text.add(line);
                ends.add(newline);
            }
        }

        /** Removes the section at header {@code at} and the one blank line that separated it. */
        private void removeAt(int at) {
            int last = lastOwned(at);
            int from = at;
            int to = last;
            if (at > 0 && text.get(at - 1).isBlank()) {
                from = at - 1;
            } else if (at == 0 && last + 1 < text.size() && text.get(last + 1).isBlank()) {
                to = last + 1;
            }
            for (int i = to; i >= from; i--) {
                text.remove(i);
                ends.remove(i);
            }
        }

        private int find(String name, int from) {
            for (int i = from; i < text.size(); i++) {
                if (isHeader(text.get(i)) && name.equals(headerName(text.get(i)))) {
                    return i;
                }
            }
            return -1;
        }

        /** The last line a section owns: its header or its last key/continuation line. */
        private int lastOwned(int header) {
            int last = header;
            for (int i = header + 1; i < text.size() && !isHeader(text.get(i)); i++) {
                String t = text.get(i).strip();
                if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith(";")) {
                    last = i;
                }
            }
            return last;
        }

        // As the SDK's reader: a header starts at column 0 with '[' (an indented line is a continuation).
        private static boolean isHeader(String line) {
            return line.startsWith("[");
        }

        private static String headerName(String line) {
            int close = line.indexOf(']');
            return close < 0 ? null : line.substring(1, close).strip();
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
