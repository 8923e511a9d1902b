package dev.stsfleet.store;

import dev.stsfleet.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory that holds stsfleet's on-disk state (the session-token and credential_process caches):
 * the constructor argument, else {@code $STSFLEET_HOME}, else {@code ~/.stsfleet}.
 *
 * <p>Kept private: the root and every subdirectory are created with mode 0700; an existing one that the
 * group or others can access is tightened to 0700 (logged at warn, since its files may have been
 * exposed) and refused with a clear error if that is not possible (for example, it belongs to another
 * user). Files are written by {@link AtomicFiles} (0600), and a file is read only if neither group nor
 * others have any permission on it: a file anyone else could have written cannot be trusted to hold our
 * credentials.
 *
 * <p>Non-POSIX file systems (Windows): no mode is checked or set; privacy comes from the user profile's
 * ACLs.
 *
 * <p>Immutable and thread-safe; creating directories concurrently is safe.
 */
public final class StateDirectory {
    /** The environment variable that moves the state directory. */
    public static final String ENV_VARIABLE = "STSFLEET_HOME";
    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

    private final Path root;

    private StateDirectory(Path root) {
        this.root = root;
    }

    /** The default state directory: {@code $STSFLEET_HOME}, else {@code ~/.stsfleet}. See {@link #open(Path)}. */
    public static StateDirectory open() {
        return open(null);
    }

    /**
     * Opens (creating or tightening as needed) the state directory.
     *
     * @param root the directory to use, or {@code null} for {@code $STSFLEET_HOME}, else {@code ~/.stsfleet}
     * @throws InvalidInputException if the directory cannot be created or made private
     */
    public static StateDirectory open(Path root) {
        return open(root, System.getenv(), System.getProperty("user.home"));
    }

    static StateDirectory open(Path root, Map<String, String> env, String userHome) {
        Path chosen = root;
        if (chosen == null) {
            String fromEnv = env.get(ENV_VARIABLE);
            chosen = fromEnv != null && !fromEnv.isBlank() ? Paths.get(fromEnv) : Paths.get(userHome, ".stsfleet");
        }
        Path absolute = chosen.toAbsolutePath().normalize();
        ensurePrivateDirectory(absolute, true);
        return new StateDirectory(absolute);
    }

    public Path root() {
        return root;
    }

    /**
     * A directory inside the root, e.g. {@code cache/credentials}, created 0700 (each level), or checked
     * and tightened like the root.
     *
     * @param relative one or more {@code /}-separated names of letters, digits, {@code . _ -}
     */
    public Path subdirectory(String relative) {
        Path dir = root;
        for (String segment : relative.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("invalid state subdirectory name: " + relative);
            }
            dir = dir.resolve(segment);
            ensurePrivateDirectory(dir, false);
        }
        return dir;
    }

    /**
     * The content of a state file, or empty if it does not exist.
     *
     * @throws InvalidInputException if the group or others have any permission on it (naming the file
     *                               and its mode), if it is not a regular file, or cannot be read
     */
    public Optional<byte[]> read(Path file) {
        Path f = inside(file);
        try {
            if (PosixModes.isPosix(f)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
                if (PosixModes.accessibleByGroupOrOthers(perms)) {
                    throw new InvalidInputException("refusing to read " + PosixModes.display(f) + ": its mode is "
                            + PosixModes.octal(perms) + ", expected 0600 (others could read or change it)");
                }
            }
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException("refusing to read " + PosixModes.display(f) + ": not a regular file");
            }
            PosixModes.requireTrusted(f, "state file");
            return Optional.of(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + PosixModes.display(f) + ": " + PosixModes.reason(e));
        }
    }

    /**
     * Writes a state file atomically with mode 0600 (see {@link AtomicFiles}).
     *
     * @throws InvalidInputException if it cannot be written
     */
    public void write(Path file, byte[] content) {
        Path f = inside(file);
        try {
            AtomicFiles.write(f, content);
        } catch (IOException e) {
            throw new InvalidInputException("cannot write " + PosixModes.display(f) + ": " + PosixModes.reason(e));
        }
    }

    /** Deletes a state file if it exists. */
    public void delete(Path file) {
        Path f = inside(file);
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new InvalidInputException("cannot delete " + PosixModes.display(f) + ": " + PosixModes.reason(e));
        }
    }

    private Path inside(Path file) {
        Path f = file.toAbsolutePath().normalize();
        if (!f.startsWith(root) || f.equals(root)) {
            throw new IllegalArgumentException(file + " is not inside the state directory " + root);
        }
        return f;
    }

    /**
     * Creates {@code dir} 0700 if missing, else checks it by the trust rule ({@link PosixModes#requireTrusted}:
     * ours, no link) and tightens its mode to 0700 if the group or others have any access. Only the root
     * may be a link (a user's own choice, e.g. into a dotfiles tree); what it points to is checked.
     */
    private static void ensurePrivateDirectory(Path dir, boolean root) {
        try {
            Path checked = dir;
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    if (root) {
                        PosixModes.createPrivateDirectories(dir);
                    } else {
                        Files.createDirectory(dir, PosixModes.privateDirectory(dir)); // fails on anything planted there
                    }
                    LOG.debug("created state directory {} (mode 0700)", dir);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // Another process made it between the check and here (twenty credential_process calls starting
                    // at once): checked below exactly as one that was there before. Without this the loser went on
                    // without the cache and made its own AssumeRole.
                }
            } else if (root && Files.isSymbolicLink(dir)) {
                checked = dir.toRealPath();
            }
            if (!Files.isDirectory(checked, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(checked)) {
                throw new InvalidInputException("cannot use " + PosixModes.display(dir) + " for stsfleet state: not a directory");
            }
            if (!PosixModes.isPosix(checked)) {
                return;
            }
            PosixModes.requireTrusted(checked, "stsfleet state directory");
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(checked, LinkOption.NOFOLLOW_LINKS);
            if (PosixModes.accessibleByGroupOrOthers(perms) || !perms.containsAll(PosixModes.DIR_0700)) {
                String was = PosixModes.octal(perms);
                try {
                    Files.setPosixFilePermissions(checked, PosixModes.DIR_0700);
                } catch (IOException e) {
                    throw new InvalidInputException("refusing to use " + PosixModes.display(dir)
                            + " for stsfleet state: its mode is " + was + " and it cannot be made 0700 ("
                            + PosixModes.reason(e) + "); fix it with: chmod 700 " + dir);
                }
                LOG.warn("state directory {} had mode {}; changed it to 0700", PosixModes.display(dir), was);
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot use " + PosixModes.display(dir) + " for stsfleet state: "
                    + PosixModes.reason(e));
        }
    }

    @Override
    public String toString() {
        return "StateDirectory[" + root + "]";
    }
}
