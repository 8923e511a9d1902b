package dev.stsfleet.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Mode bits for assertions, e.g. {@code "0600"}. */
final class Modes {
    private Modes() {
    }

    static String of(Path path) {
        try {
            return PosixModes.octal(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void set(Path path, String rwx) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(rwx));
    }
}
