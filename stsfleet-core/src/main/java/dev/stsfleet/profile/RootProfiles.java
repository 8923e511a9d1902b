package dev.stsfleet.profile;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.profiles.Profile;

/**
 * Which profiles are roots other than long-term keys, and what is wrong with them: a web identity profile
 * ({@code web_identity_token_file} + {@code role_arn}), a {@code credential_process} profile, and the
 * {@code credential_source} values of the AWS config. Stateless.
 */
final class RootProfiles {
    static final Map<String, RootProfile.Kind> CREDENTIAL_SOURCES = Map.of(
            "Environment", RootProfile.Kind.ENVIRONMENT,
            "Ec2InstanceMetadata", RootProfile.Kind.EC2_INSTANCE_METADATA,
            "EcsContainer", RootProfile.Kind.ECS_CONTAINER);

    private RootProfiles() {
    }

    static boolean isWebIdentity(Profile p) {
        return p.property("web_identity_token_file").isPresent();
    }

    static boolean isProcess(Profile p) {
        return p.property("credential_process").filter(s -> !s.isBlank()).isPresent();
    }

    /** The kind of a profile that is a root by itself (web identity, credential_process), if it is one. */
    static Optional<RootProfile.Kind> kind(Profile p) {
        if (isWebIdentity(p)) {
            return Optional.of(RootProfile.Kind.WEB_IDENTITY);
        }
        if (isProcess(p) && p.property("role_arn").isEmpty()) {
            return Optional.of(RootProfile.Kind.CREDENTIAL_PROCESS);
        }
        return Optional.empty();
    }

    /** The problems of a root profile used by a role, each starting with {@code where}. */
    static void check(Profile p, String where, List<String> problems) {
        if (!isWebIdentity(p)) {
            return;
        }
        String file = p.property("web_identity_token_file").map(String::trim).orElse("");
        if (file.isEmpty()) {
            problems.add(where + ": web_identity_token_file is empty");
        }
        String arn = p.property("role_arn").map(String::trim).orElse("");
        if (arn.isEmpty()) {
            problems.add(where + ": web_identity_token_file needs a role_arn (the role the token is exchanged for)");
        } else if (!ProfileCatalog.ROLE_ARN.matcher(arn).matches()) {
            problems.add(where + ": role_arn " + arn + " is not a role ARN (arn:aws:iam::<12 digits>:role/<name>)");
        }
        p.property("role_session_name").map(String::trim).filter(s -> !ProfileCatalog.SESSION_NAME.matcher(s).matches())
                .ifPresent(s -> problems.add(where + ": role_session_name " + s + " must be 2 to 64 characters of [\\w+=,.@-]"));
        for (String key : List.of("source_profile", "credential_source")) {
            if (p.property(key).isPresent()) {
                problems.add(where + ": web_identity_token_file and " + key + " cannot be combined");
            }
        }
    }

    /**
     * The root of a role profile's {@code credential_source}, or a problem: the AWS CLI's rule is exactly one of
     * {@code source_profile} and {@code credential_source}.
     */
    static RootProfile credentialSource(Profile role, String where, List<String> problems) {
        String value = role.property("credential_source").map(String::trim).orElse("");
        if (role.property("source_profile").isPresent()) {
            problems.add(where + " has both source_profile and credential_source: give exactly one");
            return null;
        }
        RootProfile.Kind kind = CREDENTIAL_SOURCES.get(value);
        if (kind == null) {
            problems.add(where + ": credential_source " + (value.isEmpty() ? "is empty" : value + " is not one of")
                    + (value.isEmpty() ? " (give" : "") + " Environment, Ec2InstanceMetadata, EcsContainer"
                    + (value.isEmpty() ? ")" : ""));
            return null;
        }
        return new RootProfile(RootProfile.CREDENTIAL_SOURCE_PREFIX + value, kind);
    }
}
