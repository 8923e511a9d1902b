package dev.stsfleet.store;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsFleetException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An exclusive lock on a file, held across processes and across threads of this JVM, taken on a
 * sidecar {@code <file>.lock} (mode 0600) so the file itself can be replaced by an atomic rename while
 * locked. Use with try-with-resources:
 * <pre>{@code
 * try (LockFile lock = LockFile.acquire(credentialsFile, Duration.ofSeconds(30))) {
 *     // read, change, AtomicFiles.write(credentialsFile, ...)
 * }
 * }</pre>
 *
 * <p>Two layers, because an OS file lock belongs to the whole JVM: {@link FileChannel#tryLock()} keeps
 * other processes out, and a per-file semaphore keeps other threads of this JVM out (without it a second
 * thread would get {@link OverlappingFileLockException} instead of waiting). Waiting polls with a short,
 * growing, jittered pause up to the timeout, since {@link FileChannel#lock()} cannot be given one.
 *
 * <p>The lock is advisory: it binds only writers that take it ({@code stsfleet} does for every write of
 * a shared file). The {@code .lock} file is left in place after release: deleting it would let two
 * processes lock two different inodes of the same name. Not reentrant: a thread asking again for a
 * lock it holds gets an {@link IllegalStateException} rather than a deadlock. Releasing ({@link #close()})
 * is idempotent and may happen on any thread.
 */
public final class LockFile implements AutoCloseable {
    /** One permit per lock path, for the threads of this JVM. Entries stay: bounded by files locked. */
    private static final Map<Path, Semaphore> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final Map<Path, Thread> HOLDERS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockPath;
    private final FileChannel channel;
    private final FileLock lock;
    private final Semaphore jvmLock;
    private final AtomicBoolean released = new AtomicBoolean();

    private LockFile(Path file, Path lockPath, FileChannel channel, FileLock lock, Semaphore jvmLock) {
        this.file = file;
        this.lockPath = lockPath;
        this.channel = channel;
        this.lock = lock;
        this.jvmLock = jvmLock;
    }

    /**
     * Locks {@code file} (through {@code <file>.lock}, created 0600 with its directory 0700 if missing),
     * waiting at most {@code timeout}.
     *
     * @throws LockTimeoutException  naming the file, if the lock is still held by others after {@code timeout}
     * @throws InvalidInputException naming the lock file, if it cannot be created or opened
     * @throws IllegalStateException if the calling thread already holds this lock
     */
    public static LockFile acquire(Path file, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Path target = file.toAbsolutePath().normalize();
        Path lockPath = target.resolveSibling(target.getFileName() + ".lock");
        if (HOLDERS.get(lockPath) == Thread.currentThread()) {
            throw new IllegalStateException("this thread already holds the lock on " + PosixModes.display(target));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore jvmLock = JVM_LOCKS.computeIfAbsent(lockPath, p -> new Semaphore(1, true));
        try {
            if (!jvmLock.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(target, lockPath, timeout, "another thread of this process holds it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted while waiting for the lock on " + PosixModes.display(target));
        }
        FileChannel channel = null;
        try {
            channel = open(lockPath);
            long pauseMillis = 2;
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    HOLDERS.put(lockPath, Thread.currentThread());
                    return new LockFile(target, lockPath, channel, lock, jvmLock);
                }
                long leftNanos = deadline - System.nanoTime();
                if (leftNanos <= 0) {
                    throw timedOut(target, lockPath, timeout, "another process holds it");
                }
                long pause = Math.min(pauseMillis + ThreadLocalRandom.current().nextLong(pauseMillis + 1),
                        TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1);
                Thread.sleep(pause);
                pauseMillis = Math.min(pauseMillis * 2, 100);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            jvmLock.release();
            throw new InvalidInputException("cannot open the lock file " + PosixModes.display(lockPath)
                    + ": " + PosixModes.reason(e));
        } catch (InterruptedException e) {
            closeQuietly(channel);
            jvmLock.release();
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted while waiting for the lock on " + PosixModes.display(target));
        } catch (RuntimeException | Error e) {
            closeQuietly(channel);
            jvmLock.release();
            throw e;
        }
    }

    /**
     * Opens (creating 0600, its directory 0700 if missing) the lock file without following a link, and
     * checks it by the trust rule: ours, not writable by others.
     */
    private static FileChannel open(Path lockPath) throws IOException {
        PosixModes.createPrivateDirectories(lockPath.getParent());
        FileChannel channel = FileChannel.open(lockPath,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixModes.privateFile(lockPath));
        try {
            PosixModes.requireTrusted(lockPath, "lock file");
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        return channel;
    }

    /**
     * Checks, before any work whose result would need the lock, that the lock file of {@code file} can be
     * opened (creating it if missing) and is trusted. Takes no lock.
     *
     * @throws InvalidInputException naming the lock file and the reason
     */
    public static void preflight(Path file) {
        Path target = file.toAbsolutePath().normalize();
        Path lockPath = target.resolveSibling(target.getFileName() + ".lock");
        try {
            closeQuietly(open(lockPath));
        } catch (IOException e) {
            throw new InvalidInputException("cannot open the lock file " + PosixModes.display(lockPath)
                    + ": " + PosixModes.reason(e));
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Someone in this JVM locked the file without going through this class: wait like for a process.
            return null;
        }
    }

    private static LockTimeoutException timedOut(Path target, Path lockPath, Duration timeout, String why) {
        return new LockTimeoutException(target, "timed out after " + human(timeout) + " waiting for the lock on "
                + PosixModes.display(target) + " (" + why + "; lock file " + PosixModes.display(lockPath) + ")");
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The locked file (not the sidecar). */
    public Path file() {
        return file;
    }

    /** The sidecar lock file. */
    public Path lockPath() {
        return lockPath;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it too.
        } finally {
            closeQuietly(channel);
            HOLDERS.remove(lockPath);
            jvmLock.release();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to do: the OS drops the lock with the descriptor.
            }
        }
    }

    @Override
    public String toString() {
        return "LockFile[" + file + (released.get() ? ", released" : ", held") + "]";
    }
}
