package dev.stsfleet;

import java.util.Objects;

/** How one profile of a bulk call ended: credentials, or a failure with the AWS error code. */
public sealed interface ProfileResult permits ProfileResult.Succeeded, ProfileResult.Failed {
    String profile();

    default boolean succeeded() {
        return this instanceof Succeeded;
    }

    /** The profile's role credentials. */
    record Succeeded(RoleCredentials credentials) implements ProfileResult {
        public Succeeded {
            Objects.requireNonNull(credentials, "credentials");
        }

        @Override
        public String profile() {
            return credentials.profile();
        }
    }

    /**
     * @param code    the AWS error code ({@code AccessDenied}, {@code Throttling}, ...) or one of ours
     *                ({@code MfaRequired}, {@code ClientError})
     * @param message AWS's message, never containing a secret
     */
    record Failed(String profile, String roleArn, String code, String message) implements ProfileResult {
        public Failed {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
