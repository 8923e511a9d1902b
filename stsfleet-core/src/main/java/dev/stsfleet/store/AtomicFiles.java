package dev.stsfleet.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers, and a crash at any moment, see either the old content or the new one,
 * never a mix, and so that no other user can read it even for an instant.
 *
 * <p>How: the content goes to a temporary file in the target's own directory (a rename is atomic only
 * within one file system), created with mode 0600 by the creating call itself (a later chmod would leave
 * a window in which the umask's mode applies), then it is flushed and fsync'd, then renamed over the
 * target with {@code ATOMIC_MOVE}; finally the directory is fsync'd so the rename itself survives a
 * power cut. A missing parent directory is created with mode 0700. On any failure the temporary file is
 * removed and the target is untouched. The result is always a new file of mode 0600, whatever the old
 * one's mode was; a symbolic link at the target is replaced, not followed (callers that want to write
 * through a link resolve it first, as {@link CredentialsFileEditor} does).
 *
 * <p>Non-POSIX file systems (Windows): no mode is set; the files get the ACL inherited from their
 * directory (the user profile's is private by default); {@code ATOMIC_MOVE} maps to
 * {@code MoveFileEx(MOVEFILE_REPLACE_EXISTING)}, and directories cannot be fsync'd there, which is
 * skipped.
 *
 * <p>Stateless and thread-safe; concurrent writers of one target each write a whole file and the last
 * rename wins. Use {@link LockFile} when writers must read-modify-write.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target} atomically with mode 0600. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Writes {@code content} as UTF-8 to {@code target} atomically with mode 0600. */
    public static void write(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Something that writes a file's content; may fail midway (the tests simulate a crash with it). */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        PosixModes.createPrivateDirectories(dir);
        String name = absolute.getFileName().toString();
        // Hidden, recognisable, and short enough for a 255-byte file name limit.
        String prefix = "." + (name.length() > 100 ? name.substring(0, 100) : name) + ".";
        Path temp = Files.createTempFile(dir, prefix, ".tmp", PosixModes.privateFile(dir));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** Makes the rename durable. Best effort: not every platform can open a directory for fsync. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename is still atomic there.
        }
    }
}
