package dev.stsfleet.store;

import dev.stsfleet.StsFleetException;
import java.nio.file.Path;

/** A {@link LockFile} that could not be taken in time: another process or thread holds it. */
public final class LockTimeoutException extends StsFleetException {
    private final transient Path file;

    LockTimeoutException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** The file whose lock was wanted (not the {@code .lock} sidecar). */
    public Path file() {
        return file;
    }
}
