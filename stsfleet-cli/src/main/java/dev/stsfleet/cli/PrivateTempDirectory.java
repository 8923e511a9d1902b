package dev.stsfleet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway directory only its owner can enter (0700), removed with everything in it on {@link #close()}: the
 * demo's and the archive training's AWS config, credentials and state live there while they run.
 */
public final class PrivateTempDirectory implements AutoCloseable {
    private final Path path;

    private PrivateTempDirectory(Path path) {
        this.path = path;
    }

    public static PrivateTempDirectory create(String prefix) throws IOException {
        return new PrivateTempDirectory(Files.createTempDirectory(prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(path)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the temporary directory " + path, e);
        }
    }
}
