package dev.stsfleet;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * {@code AWS_WEB_IDENTITY_TOKEN_FILE} + {@code AWS_ROLE_ARN} (+ {@code AWS_ROLE_SESSION_NAME}), as CI systems and
 * EKS set them: the same root as a profile with {@code web_identity_token_file}, so the plan treats both alike.
 */
final class EnvironmentWebIdentity {
    /** The name of that root in plans and messages. */
    static final String PROFILE = "env-web-identity";

    private EnvironmentWebIdentity() {
    }

    static boolean present(Map<String, String> env) {
        return notBlank(env.get("AWS_WEB_IDENTITY_TOKEN_FILE")) && notBlank(env.get("AWS_ROLE_ARN"));
    }

    /** A config file holding the one profile {@link #PROFILE} made of the variables. */
    static ProfileFile profileFile(Map<String, String> env) {
        StringBuilder config = new StringBuilder("[profile " + PROFILE + "]\n")
                .append("web_identity_token_file = ").append(env.get("AWS_WEB_IDENTITY_TOKEN_FILE").trim()).append('\n')
                .append("role_arn = ").append(env.get("AWS_ROLE_ARN").trim()).append('\n');
        if (notBlank(env.get("AWS_ROLE_SESSION_NAME"))) {
            config.append("role_session_name = ").append(env.get("AWS_ROLE_SESSION_NAME").trim()).append('\n');
        }
        return ProfileFile.builder().type(ProfileFile.Type.CONFIGURATION)
                .content(new ByteArrayInputStream(config.toString().getBytes(StandardCharsets.UTF_8))).build();
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
