package dev.stsfleet.profile;

import java.util.Objects;

/**
 * The root of role chains: where a chain's first credentials come from. Immutable.
 *
 * @param name the root's name in plans and messages: a profile name, or {@code credential_source=VALUE} for the
 *             roles whose {@code credential_source} names it (one root however many roles name it)
 * @param kind how its credentials are obtained
 */
public record RootProfile(String name, Kind kind) {
    /** How a root's credentials are obtained. */
    public enum Kind {
        /** long-term keys in the profile ({@code aws_access_key_id}, {@code aws_secret_access_key}) */
        KEYS("long-term keys"),
        /** {@code web_identity_token_file} + {@code role_arn}: AssumeRoleWithWebIdentity with the token file's token */
        WEB_IDENTITY("web identity"),
        /** {@code credential_source = Environment}: the AWS_ACCESS_KEY_ID... variables */
        ENVIRONMENT("environment variables"),
        /** {@code credential_source = Ec2InstanceMetadata}: the EC2 instance's role (IMDSv2) */
        EC2_INSTANCE_METADATA("EC2 instance metadata"),
        /** {@code credential_source = EcsContainer}: the container credentials endpoint */
        ECS_CONTAINER("ECS container"),
        /** {@code credential_process}: a program's credentials */
        CREDENTIAL_PROCESS("credential_process");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        /** The kind in words for messages, e.g. "web identity". */
        public String words() {
            return words;
        }
    }

    /** The prefix of a {@code credential_source} root's name. */
    public static final String CREDENTIAL_SOURCE_PREFIX = "credential_source=";

    public RootProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }
}
