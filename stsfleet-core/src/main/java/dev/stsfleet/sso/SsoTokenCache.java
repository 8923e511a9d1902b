package dev.stsfleet.sso;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The AWS CLI's Identity Center token cache: {@code ~/.aws/sso/cache/<key>.json} with {@code key} the lower-hex
 * SHA-1 of the session name (or of the start URL for legacy profiles). Tokens the AWS CLI or an SDK wrote are read
 * as they are; those written here are read by them. Files are written atomically with mode 0600 in a directory
 * created 0700. Thread-safe (each write replaces the whole file; the last one wins).
 */
public final class SsoTokenCache {
    private final Path directory;

    public SsoTokenCache(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** {@code $HOME/.aws/sso/cache} of the given environment (else the JVM's user home). */
    public static SsoTokenCache inHome(Map<String, String> environment) {
        String home = environment.get("HOME");
        return new SsoTokenCache(Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"),
                ".aws", "sso", "cache"));
    }

    public Path directory() {
        return directory;
    }

    /** The cache file of {@code session}. */
    public Path file(SsoSession session) {
        return directory.resolve(session.cacheKey() + ".json");
    }

    /**
     * The cached token of {@code session}, if there is one.
     *
     * @throws InvalidInputException when the file exists but is not a token (the field is named, never a value)
     */
    public Optional<SsoToken> read(SsoSession session) {
        Path f = file(session);
        String json;
        try {
            json = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StsFleetException("cannot read the SSO token cache file " + f + ": " + e.getClass().getSimpleName());
        }
        try {
            return Optional.of(SsoToken.parse(json));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage() + ": " + f);
        }
    }

    /** Writes {@code token} as the cache file of {@code session}, atomically, mode 0600. */
    public void write(SsoSession session, SsoToken token) {
        Path f = file(session);
        try {
            AtomicFiles.write(f, token.toJson());
        } catch (IOException e) {
            throw new StsFleetException("cannot write the SSO token cache file " + f + ": " + e.getClass().getSimpleName());
        }
    }

    /** Removes the cache file of {@code session}; whether there was one. */
    public boolean delete(SsoSession session) {
        try {
            return Files.deleteIfExists(file(session));
        } catch (IOException e) {
            throw new StsFleetException("cannot remove the SSO token cache file " + file(session) + ": "
                    + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "SsoTokenCache[" + directory + "]";
    }
}
