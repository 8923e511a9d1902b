package dev.stsfleet.profile;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Where the AWS config and credentials files are, found as the AWS CLI finds them: a path given by the
 * caller, else {@code AWS_CONFIG_FILE} / {@code AWS_SHARED_CREDENTIALS_FILE} ({@code ~} expanded), else
 * {@code ~/.aws/config} / {@code ~/.aws/credentials}. A file named by the caller or a variable must exist;
 * the default locations may be absent. One place for this rule, so the fleet, the providers and the
 * commands always read and write the same files.
 *
 * @param configFile       the config file
 * @param configNamed      whether it was named (by the caller or a variable) rather than defaulted
 * @param credentialsFile  the credentials file
 * @param credentialsNamed whether it was named rather than defaulted
 */
public record ProfileLocations(Path configFile, boolean configNamed, Path credentialsFile, boolean credentialsNamed) {
    public ProfileLocations {
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
    }

    /**
     * @param configFile      the config file the caller names, or {@code null} for the default
     * @param credentialsFile the credentials file the caller names, or {@code null} for the default
     * @param environment     the variables to read ({@code AWS_CONFIG_FILE}, {@code AWS_SHARED_CREDENTIALS_FILE},
     *                        {@code HOME})
     */
    public static ProfileLocations resolve(Path configFile, Path credentialsFile, Map<String, String> environment) {
        String homeVar = blankToNull(environment.get("HOME"));
        Path home = Path.of(homeVar != null ? homeVar : System.getProperty("user.home"));
        String configEnv = blankToNull(environment.get("AWS_CONFIG_FILE"));
        String credentialsEnv = blankToNull(environment.get("AWS_SHARED_CREDENTIALS_FILE"));
        Path config = configFile != null ? configFile
                : configEnv != null ? expand(configEnv, home) : home.resolve(".aws").resolve("config");
        Path credentials = credentialsFile != null ? credentialsFile
                : credentialsEnv != null ? expand(credentialsEnv, home) : home.resolve(".aws").resolve("credentials");
        return new ProfileLocations(config, configFile != null || configEnv != null,
                credentials, credentialsFile != null || credentialsEnv != null);
    }

    /**
     * Both files through the SDK's parser, aggregated with the credentials file winning on conflicts.
     *
     * @throws dev.stsfleet.InvalidInputException when a named file is missing, or a file is unreadable or malformed
     */
    public ProfileFile read() {
        return ProfileFiles.aggregate(
                ProfileFiles.read(credentialsFile, ProfileFile.Type.CREDENTIALS, credentialsNamed),
                ProfileFiles.read(configFile, ProfileFile.Type.CONFIGURATION, configNamed));
    }

    private static Path expand(String path, Path home) {
        String p = path.trim();
        if (p.equals("~")) {
            return home;
        }
        return p.startsWith("~/") ? home.resolve(p.substring(2)) : Path.of(p);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
