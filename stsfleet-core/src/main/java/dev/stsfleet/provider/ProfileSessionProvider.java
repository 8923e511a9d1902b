package dev.stsfleet.provider;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileLocations;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Credentials for an account from the AWS config and credentials files (awsrun's {@code CredsViaProfile}):
 * the profile named after the account id, or, when there is none, the fallback profile ({@code default}
 * unless configured), with a debug line saying so.
 *
 * <p>A profile with keys ({@code aws_access_key_id}, {@code aws_secret_access_key}, and
 * {@code aws_session_token} for a profile holding an MFA session) gives those keys as they are. Any other
 * profile (a role profile, {@code credential_process}, SSO) is resolved by the AWS SDK's own
 * {@link ProfileCredentialsProvider} over the same files, created once per profile and closed with this
 * provider. Nothing is read from {@code ~/.aws} unless the files are the defaults.
 *
 * <p>Thread-safe. Use it as the base of a {@link CrossAccountSessionProvider}.
 */
public final class ProfileSessionProvider implements SessionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileSessionProvider.class);

    private final ProfileFile profiles;
    private final ProfileCatalog catalog;
    private final String fallbackProfile;
    private final ConcurrentMap<String, AwsCredentialsProvider> byProfile = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ProfileSessionProvider(ProfileFile profiles, String fallbackProfile) {
        this.profiles = profiles;
        this.catalog = ProfileCatalog.of(profiles);
        this.fallbackProfile = fallbackProfile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The profile serving the account: its own, else the fallback. */
    public String profileFor(String accountId) {
        new AccountRole(accountId, "x"); // validates the id
        if (catalog.contains(accountId)) {
            return accountId;
        }
        LOG.debug("account {}: no profile named {}; using profile {}", accountId, accountId, fallbackProfile);
        return fallbackProfile;
    }

    @Override
    public AwsCredentialsProvider credentialsProvider(String accountId) {
        return profileCredentialsProvider(profileFor(accountId));
    }

    /**
     * The credentials of one named profile, resolved as described above.
     *
     * @throws InvalidInputException when the files have no such profile
     */
    public AwsCredentialsProvider profileCredentialsProvider(String profile) {
        if (closed) {
            throw new IllegalStateException("this profile session provider is closed");
        }
        if (!catalog.contains(profile)) {
            throw new InvalidInputException("there is no profile " + profile + " in the AWS config or credentials files");
        }
        return byProfile.computeIfAbsent(profile, this::create);
    }

    private AwsCredentialsProvider create(String profile) {
        var keys = catalog.keys(profile);
        if (keys.isPresent()) {
            AwsCredentials credentials = keys.get();
            LOG.debug("profile {}: its own {} keys", profile,
                    credentials instanceof software.amazon.awssdk.auth.credentials.AwsSessionCredentials
                            ? "session" : "long-term");
            return new Named(StaticCredentialsProvider.create(credentials), profile);
        }
        LOG.debug("profile {}: no keys of its own; resolved by the SDK's profile credentials provider", profile);
        return new Named(ProfileCredentialsProvider.builder().profileFile(profiles).profileName(profile).build(), profile);
    }

    /** Closes the SDK providers it created (which may hold STS clients). Idempotent. */
    @Override
    public void close() {
        closed = true;
        byProfile.values().forEach(p -> ((Named) p).close());
        byProfile.clear();
    }

    @Override
    public String toString() {
        return "ProfileSessionProvider[fallback=" + fallbackProfile + ", " + catalog + "]";
    }

    /** A provider that names its profile in toString (never a key) and closes what it wraps. */
    private record Named(AwsCredentialsProvider delegate, String profile) implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return delegate.resolveCredentials();
        }

        void close() {
            if (delegate instanceof SdkAutoCloseable c) {
                c.close();
            }
        }

        @Override
        public String toString() {
            return "ProfileCredentials[profile=" + profile + "]";
        }
    }

    /** Configures a {@link ProfileSessionProvider}. Not thread-safe. */
    public static final class Builder {
        private ProfileFile profileFile;
        private Path configFile;
        private Path credentialsFile;
        private Map<String, String> environment = System.getenv();
        private String fallbackProfile = "default";

        private Builder() {
        }

        /** The profiles, already read. Default: read from the config and credentials files below. */
        public Builder profileFile(ProfileFile profileFile) {
            this.profileFile = profileFile;
            return this;
        }

        /** The AWS config file; it must exist when given. Default: {@code AWS_CONFIG_FILE}, else {@code ~/.aws/config}. */
        public Builder configFile(Path configFile) {
            this.configFile = configFile;
            return this;
        }

        /**
         * The AWS credentials file; it must exist when given. Default: {@code AWS_SHARED_CREDENTIALS_FILE}, else
         * {@code ~/.aws/credentials}.
         */
        public Builder credentialsFile(Path credentialsFile) {
            this.credentialsFile = credentialsFile;
            return this;
        }

        /** The environment the default file locations come from ({@code AWS_CONFIG_FILE}, ..., {@code HOME}). Default: {@link System#getenv()}. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /** The profile for accounts without a profile of their own. Default {@code default}. */
        public Builder fallbackProfile(String fallbackProfile) {
            this.fallbackProfile = Objects.requireNonNull(fallbackProfile, "fallbackProfile");
            return this;
        }

        /**
         * Reads the files (unless a {@link #profileFile(ProfileFile)} was given).
         *
         * @throws InvalidInputException when a named file is missing, unreadable or malformed
         */
        public ProfileSessionProvider build() {
            ProfileFile file = profileFile;
            if (file == null) {
                file = ProfileLocations.resolve(configFile, credentialsFile, environment).read();
            }
            return new ProfileSessionProvider(file, fallbackProfile);
        }

    }
}
