package dev.stsfleet.profile;

import dev.stsfleet.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Reads AWS config and credentials files through the SDK's {@code profiles} module (no parser of our
 * own) and turns IO and syntax errors into {@link InvalidInputException}s that name the file.
 */
public final class ProfileFiles {
    // A config file names its sections "[profile x]"; a credentials file names them "[x]".
    private static final Pattern CONFIG_SECTION = Pattern.compile("(?m)^\\s*\\[\\s*profile\\s+");

    private static final Logger LOG = LoggerFactory.getLogger(ProfileFiles.class);
    // A section header, its kind and the name it gives: "[profile x]", "[sso-session x]" or "[default]" in a config
    // file, "[x]" in a credentials file.
    private static final Pattern CONFIG_SECTION_NAME =
            Pattern.compile("^\\s*\\[\\s*(?:(profile|sso-session)\\s+([^\\]]*?)|default)\\s*\\]");
    private static final Pattern CREDENTIALS_SECTION_NAME = Pattern.compile("^\\s*\\[\\s*()([^\\]]*?)\\s*\\]");
    // The profile names the SDK's parser reads; it drops the others with a log line of its own.
    private static final Pattern SDK_NAME = Pattern.compile("[A-Za-z0-9\\-/.%@_:+]+");
    // Each dropped profile is named once per process, however many times its file is read.
    private static final Set<String> NAMED = ConcurrentHashMap.newKeySet();

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
        warnOfDroppedProfiles(file, content, type);
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

    /**
     * Names, once, each profile the SDK's parser will drop for its name (spaces, for one: the AWS CLI takes
     * them), with its file and line, so that "unknown profile" that follows makes sense.
     */
    private static void warnOfDroppedProfiles(Path file, String content, ProfileFile.Type type) {
        Pattern header = type == ProfileFile.Type.CONFIGURATION ? CONFIG_SECTION_NAME : CREDENTIALS_SECTION_NAME;
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = header.matcher(lines[i]);
            if (!m.find() || m.group(2) == null || SDK_NAME.matcher(m.group(2)).matches()) {
                continue; // not a section, [default], or a name the SDK takes
            }
            String kind = "sso-session".equals(m.group(1)) ? "sso-session" : "profile";
            if (NAMED.add(file + ":" + (i + 1))) {
                LOG.warn("{} '{}' on line {} of {} is not read: the AWS SDK takes only names of letters, digits and "
                        + "- / . % @ _ : + (rename it to use it here)", kind, m.group(2), i + 1, file);
            }
        }
    }

    private static ProfileFile empty(ProfileFile.Type type) {
        return ProfileFile.builder().content(new ByteArrayInputStream(new byte[0])).type(type).build();
    }

    private static String describe(ProfileFile.Type type) {
        return type == ProfileFile.Type.CONFIGURATION ? "config file" : "credentials file";
    }
}
