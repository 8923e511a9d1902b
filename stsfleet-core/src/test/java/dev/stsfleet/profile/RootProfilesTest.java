package dev.stsfleet.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stsfleet.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.profiles.ProfileFile;

/** Roots other than long-term keys in the AWS config: web identity, credential_source, credential_process. */
class RootProfilesTest {
    static final String CONFIG = """
            [profile ci]
            web_identity_token_file = /var/run/token
            role_arn = arn:aws:iam::111111111111:role/Ci

            [profile deploy]
            role_arn = arn:aws:iam::222222222222:role/Deploy
            source_profile = ci

            [profile chained]
            role_arn = arn:aws:iam::333333333333:role/Next
            source_profile = deploy

            [profile on-ec2]
            role_arn = arn:aws:iam::222222222222:role/A
            credential_source = Ec2InstanceMetadata

            [profile on-ecs]
            role_arn = arn:aws:iam::222222222222:role/B
            credential_source = EcsContainer

            [profile from-env]
            role_arn = arn:aws:iam::222222222222:role/C
            credential_source = Environment

            [profile both]
            role_arn = arn:aws:iam::222222222222:role/D
            credential_source = Environment
            source_profile = ci

            [profile vault]
            credential_process = /usr/bin/get-creds --json

            [profile from-vault]
            role_arn = arn:aws:iam::222222222222:role/E
            source_profile = vault

            [profile bad-ci]
            web_identity_token_file = /var/run/token
            role_arn = not-an-arn
            source_profile = ci

            [profile via-bad-ci]
            role_arn = arn:aws:iam::222222222222:role/F
            source_profile = bad-ci
            """;

    static ProfileCatalog catalog() {
        return ProfileCatalog.of(ProfileFile.builder().type(ProfileFile.Type.CONFIGURATION)
                .content(new ByteArrayInputStream(CONFIG.getBytes(StandardCharsets.UTF_8))).build(), "on-ec2");
    }

    @Test
    void rootsResolve_andAWebIdentityProfileIsNoRoleProfileOfItsOwn() {
        ProfileCatalog c = catalog();
        List<RoleProfile> roles = c.select(List.of("deploy", "chained", "on-ec2", "on-ecs", "from-env", "from-vault"));
        assertThat(roles).extracting(RoleProfile::credentialSource).containsExactly("ci", "ci",
                "credential_source=Ec2InstanceMetadata", "credential_source=EcsContainer", "credential_source=Environment",
                "vault");
        assertThat(c.roleProfiles()).doesNotContainKey("ci");
        assertThat(c.root("ci")).contains(new RootProfile("ci", RootProfile.Kind.WEB_IDENTITY));
        assertThat(c.root("vault")).contains(new RootProfile("vault", RootProfile.Kind.CREDENTIAL_PROCESS));
        assertThat(c.root("credential_source=EcsContainer")).contains(
                new RootProfile("credential_source=EcsContainer", RootProfile.Kind.ECS_CONTAINER));
        // credential_source wins over the default source: no parent role.
        assertThat(c.parentRole(c.roleProfile("on-ecs").orElseThrow())).isEmpty();
        assertThat(c.parentRole(c.roleProfile("chained").orElseThrow()).map(RoleProfile::name)).contains("deploy");
    }

    @Test
    void exactlyOneOfSourceProfileAndCredentialSource_andAWebIdentityRootsOwnProblems() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> catalog().select(List.of("both", "via-bad-ci")));
        assertThat(e.problems()).containsExactly(
                "profile both has both source_profile and credential_source: give exactly one",
                "profile via-bad-ci: source profile bad-ci: role_arn not-an-arn is not a role ARN "
                        + "(arn:aws:iam::<12 digits>:role/<name>)",
                "profile via-bad-ci: source profile bad-ci: web_identity_token_file and source_profile cannot be combined");
    }
}
