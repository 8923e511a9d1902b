package dev.stsfleet.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
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
            return fse.getReason();
        }
        return e.getClass().getSimpleName();
    }
}
