package dev.stsfleet.profile;

import dev.stsfleet.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Reads AWS config and credentials files through the SDK's {@code profiles} module (no parser of our
 * own) and turns IO and syntax errors into {@link InvalidInputException}s that name the file.
 */
public final class ProfileFiles {
    // A config file names its sections "[profile x]"; a credentials file names them "[x]".
    private static final Pattern CONFIG_SECTION = Pattern.compile("(?m)^\\s*\\[\\s*profile\\s+");

    private ProfileFiles() {
    }

    /**
     * Reads one file of the given type.
     *
     * @param mustExist whether a missing file is an error (a file named explicitly) or an empty file
     *                  (a default location such as {@code ~/.aws/credentials})
     * @throws InvalidInputException when the file cannot be read or is malformed
     */
    public static ProfileFile read(Path file, ProfileFile.Type type, boolean mustExist) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!mustExist) {
                return empty(type);
            }
            throw new InvalidInputException("cannot read " + describe(type) + " " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read " + describe(type) + " " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        return parse(file, content, type);
    }

    /**
     * Reads any AWS-format file: a config file when it has {@code [profile x]} sections, otherwise a
     * credentials-style file. The file must exist.
     */
    public static ProfileFile readAny(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("cannot read profile file " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read profile file " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        ProfileFile.Type type = CONFIG_SECTION.matcher(content).find()
                ? ProfileFile.Type.CONFIGURATION : ProfileFile.Type.CREDENTIALS;
        return parse(file, content, type);
    }

    /** Credentials first, then config: on a conflict the credentials file wins, as in the SDK and the CLI. */
    public static ProfileFile aggregate(ProfileFile credentials, ProfileFile config) {
        return ProfileFile.aggregator().addFile(credentials).addFile(config).build();
    }

    private static ProfileFile parse(Path file, String content, ProfileFile.Type type) {
        try {
            return ProfileFile.builder()
                    .content(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)))
                    .type(type)
                    .build();
        } catch (RuntimeException e) {
            // The SDK's parser says which line is wrong ("... on line 3") but never echoes values.
            throw new InvalidInputException("malformed " + describe(type) + " " + file + ": " + e.getMessage());
        }
    }

    private static ProfileFile empty(ProfileFile.Type type) {
        return ProfileFile.builder().content(new ByteArrayInputStream(new byte[0])).type(type).build();
    }

    private static String describe(ProfileFile.Type type) {
        return type == ProfileFile.Type.CONFIGURATION ? "config file" : "credentials file";
    }
}
