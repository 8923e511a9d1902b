package dev.stsfleet.store;

import dev.stsfleet.InvalidInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Mode bits and file-system facts the store shares. Stateless. */
final class PosixModes {
    static final Set<PosixFilePermission> FILE_0600 =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    static final Set<PosixFilePermission> DIR_0700 = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PosixModes() {
    }

    /** Whether {@code path}'s file system has POSIX permissions (Linux, macOS; not Windows' NTFS). */
    static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The attribute that creates a file 0600 atomically with its creation; none where not POSIX. */
    static FileAttribute<?>[] privateFile(Path path) {
        return isPosix(path)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_0600)}
                : new FileAttribute<?>[0];
    }

    /** The attribute that creates a directory 0700 atomically with its creation; none where not POSIX. */
    static FileAttribute<?>[] privateDirectory(Path path) {
        return isPosix(path)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR_0700)}
                : new FileAttribute<?>[0];
    }

    /** Creates {@code dir} and any missing parents with mode 0700 (existing ones are left alone). */
    static void createPrivateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, privateDirectory(dir));
        }
    }

    static boolean accessibleByGroupOrOthers(Set<PosixFilePermission> perms) {
        return perms.stream().anyMatch(GROUP_OR_OTHERS::contains);
    }

    /** {@code 0644}-style octal text of a permission set. */
    static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", mode);
    }

    /** A path for messages, with the home directory shown as {@code ~}. */
    static String display(Path path) {
        String home = System.getProperty("user.home");
        String text = path.toString();
        if (home != null && !home.isEmpty() && !home.equals("/") && text.startsWith(home + "/")) {
            return "~" + text.substring(home.length());
        }
        return text;
    }

    /**
     * Why an I/O call failed, in words, without the exception's full message: a file-system message
     * names paths (fine) but other IOExceptions may carry content, and content may be a secret.
     */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return errno(fse.getReason()).orElse(fse.getReason());
        }
        // A write that fails for lack of space is a plain IOException whose message is strerror(errno):
        // only those known texts are passed on, in lower case.
        return errno(e.getMessage()).orElse(e.getClass().getSimpleName());
    }

    private static final Set<String> ERRNO_TEXTS = Set.of("no space left on device", "disk quota exceeded",
            "read-only file system", "input/output error", "file too large", "too many open files",
            "too many levels of symbolic links");

    private static Optional<String> errno(String message) {
        if (message == null) {
            return Optional.empty();
        }
        String m = message.strip().toLowerCase(Locale.ROOT);
        return ERRNO_TEXTS.contains(m) ? Optional.of(m) : Optional.empty();
    }

    /**
     * The effective user id of this process (Linux: {@code /proc/self/status}), or -1 where unknown; then
     * ownership is compared by the user name instead.
     */
    static long effectiveUid() {
        return EUID;
    }

    private static final long EUID = readEffectiveUid();

    private static long readEffectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: fall back to names.
        }
        return -1;
    }

    /**
     * The trust rule for what holds our secrets: {@code path} itself (never a link it points to) must be
     * owned by the effective user and not writable by the group or others. Root is no exception: a file
     * another user owns could have been forged by that user.
     *
     * @param what how messages name it ({@code "state directory"}, {@code "lock file"}, ...)
     * @throws InvalidInputException naming the path and what is wrong; nothing is changed
     */
    static void requireTrusted(Path path, String what) throws IOException {
        if (!isPosix(path)) {
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new InvalidInputException("refusing to use " + display(path) + " as a " + what
                    + ": it is a symbolic link (links are not followed there)");
        }
        if (!ownedByUs(path, attributes)) {
            throw new InvalidInputException("refusing to use " + display(path) + " as a " + what + ": it belongs to "
                    + attributes.owner().getName() + ", not to the user running stsfleet (fix the owner, or choose "
                    + "another directory)");
        }
        Set<PosixFilePermission> perms = attributes.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            if (!attributes.isDirectory()) {
                throw new InvalidInputException("refusing to use " + display(path) + " as a " + what + ": its mode is "
                        + octal(perms) + " (others could change it)");
            }
        }
    }

    private static boolean ownedByUs(Path path, PosixFileAttributes attributes) throws IOException {
        if (EUID >= 0) {
            Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return uid instanceof Number n && n.longValue() == EUID;
        }
        return attributes.owner().getName().equals(System.getProperty("user.name"));
    }
}
