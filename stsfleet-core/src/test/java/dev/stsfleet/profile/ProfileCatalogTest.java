package dev.stsfleet.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.profiles.ProfileFile;

class ProfileCatalogTest {
    private static final String CONFIG = """
            [default]
            region = eu-west-1

            [profile alice]
            aws_access_key_id = AKIAALICE00000000001
            aws_secret_access_key = aliceSecret
            mfa_serial = arn:aws:iam::123456789012:mfa/alice

            [profile bob]
            aws_access_key_id = AKIABOB0000000000001
            aws_secret_access_key = bobSecret
            aws_session_token = bobToken

            [profile dev]
            role_arn = arn:aws:iam::111111111111:role/dev
            source_profile = alice
            duration_seconds = 7200
            external_id = ext-123
            role_session_name = my-session
            region = us-west-2

            [profile hop]
            role_arn = arn:aws:iam::222222222222:role/hop
            source_profile = dev

            [profile own-mfa]
            role_arn = arn:aws:iam::222222222222:role/own
            source_profile = bob
            mfa_serial = arn:aws:iam::123456789012:mfa/bob

            [profile plain]
            role_arn = arn:aws:iam::333333333333:role/plain
            source_profile = bob

            [profile selfish]
            role_arn = arn:aws:iam::333333333333:role/self
            source_profile = selfish
            aws_access_key_id = AKIASELF000000000001
            aws_secret_access_key = selfSecret

            [profile cyc-a]
            role_arn = arn:aws:iam::444444444444:role/a
            source_profile = cyc-b

            [profile cyc-b]
            role_arn = arn:aws:iam::444444444444:role/b
            source_profile = cyc-a

            [profile bad-arn]
            role_arn = arn:aws:iam::12345:role/x
            source_profile = alice

            [profile bad-duration]
            role_arn = arn:aws:iam::111111111111:role/d
            source_profile = alice
            duration_seconds = 1h

            [profile short-duration]
            role_arn = arn:aws:iam::111111111111:role/d
            source_profile = alice
            duration_seconds = 60

            [profile dangling]
            role_arn = arn:aws:iam::111111111111:role/x
            source_profile = nobody

            [profile orphan]
            role_arn = arn:aws:iam::111111111111:role/x

            [profile ec2]
            role_arn = arn:aws:iam::111111111111:role/x
            credential_source = Ec2Metadata

            [profile keyless]
            region = us-east-1

            [profile via-keyless]
            role_arn = arn:aws:iam::111111111111:role/x
            source_profile = keyless

            [profile empty-arn]
            role_arn =
            source_profile = alice
            """;

    private static ProfileCatalog catalog() {
        return ProfileCatalog.of(ProfileFile.builder()
                .content(new ByteArrayInputStream(CONFIG.getBytes(StandardCharsets.UTF_8)))
                .type(ProfileFile.Type.CONFIGURATION).build());
    }

    private static List<String> problemsOf(String... names) {
        try {
            catalog().select(List.of(names));
        } catch (InvalidInputException e) {
            return e.problems();
        }
        throw new AssertionError("no InvalidInputException for " + List.of(names));
    }

    @Test
    void roleProfiles_readsEveryRoleValue_andResolvesTheChain() {
        RoleProfile dev = catalog().roleProfiles().get("dev");

        assertThat(dev).isEqualTo(new RoleProfile("dev", "arn:aws:iam::111111111111:role/dev", "alice", "alice",
                "arn:aws:iam::123456789012:mfa/alice", "ext-123", "my-session", 7200, "us-west-2"));
        assertThat(catalog().roleProfiles()).doesNotContainKeys("alice", "bob", "default", "keyless");
    }

    @Test
    void roleChain_followsRolesToTheKeys_andInheritsMfaSerial() {
        RoleProfile hop = catalog().roleProfile("hop").orElseThrow();

        assertThat(hop.sourceProfile()).isEqualTo("dev");
        assertThat(hop.credentialSource()).isEqualTo("alice");
        assertThat(hop.mfaSerial()).isEqualTo("arn:aws:iam::123456789012:mfa/alice");
        assertThat(hop.durationSeconds()).isNull();
    }

    @Test
    void ownMfaSerial_winsOverTheSources() {
        assertThat(catalog().roleProfile("own-mfa").orElseThrow().mfaSerial())
                .isEqualTo("arn:aws:iam::123456789012:mfa/bob");
        assertThat(catalog().roleProfile("plain").orElseThrow().requiresMfa()).isFalse();
    }

    @Test
    void sourceProfileSelf_usesTheProfilesOwnKeys() {
        assertThat(catalog().select(List.of("selfish")).get(0).credentialSource()).isEqualTo("selfish");
    }

    @Test
    void select_returnsValidProfilesInRequestOrder() {
        assertThat(catalog().select(List.of("plain", "hop", "dev")))
                .extracting(RoleProfile::name).containsExactly("plain", "hop", "dev");
    }

    @Test
    void keys_includeASessionTokenWhenTheProfileHasOne() {
        assertThat(catalog().keys("bob").orElseThrow()).isInstanceOf(AwsSessionCredentials.class);
        assertThat(catalog().keys("alice").orElseThrow().accessKeyId()).isEqualTo("AKIAALICE00000000001");
        assertThat(catalog().keys("keyless")).isEmpty();
        assertThat(catalog().keys("nobody")).isEmpty();
    }

    @Test
    void select_unknownName_suggestsTheClosestProfile() {
        assertThat(problemsOf("dve")).containsExactly("unknown profile dve (did you mean dev?)");
        assertThat(problemsOf("completely-different")).containsExactly("unknown profile completely-different");
    }

    @Test
    void select_nonRoleProfile_isNamed() {
        assertThat(problemsOf("alice")).containsExactly("profile alice is not a role profile (it has no role_arn)");
    }

    @Test
    void select_cycle_isDetected() {
        assertThat(problemsOf("cyc-a")).containsExactly("profile cyc-a: source_profile cycle cyc-a -> cyc-b -> cyc-a");
        assertThat(catalog().roleProfile("cyc-a").orElseThrow().credentialSource()).isNull();
    }

    @Test
    void select_malformedValues_areNamed() {
        assertThat(problemsOf("bad-arn")).singleElement().asString()
                .contains("bad-arn").contains("is not a role ARN");
        assertThat(problemsOf("bad-duration")).singleElement().asString()
                .contains("duration_seconds 1h is not a whole number");
        assertThat(problemsOf("short-duration")).singleElement().asString()
                .contains("duration_seconds 60 is outside 900..43200");
        assertThat(problemsOf("empty-arn")).singleElement().asString().contains("role_arn is empty");
    }

    @Test
    void select_brokenChains_areNamed() {
        assertThat(problemsOf("dangling")).containsExactly("profile dangling: source_profile nobody does not exist");
        assertThat(problemsOf("orphan")).singleElement().asString()
                .startsWith("profile orphan has role_arn but no source_profile");
        assertThat(problemsOf("ec2")).containsExactly("profile ec2: credential_source Ec2Metadata is not one of "
                + "Environment, Ec2InstanceMetadata, EcsContainer");
        assertThat(problemsOf("via-keyless")).singleElement().asString()
                .contains("source profile keyless has no long-term keys");
    }

    @Test
    void select_duplicatesAndEmptySelections_areProblems() {
        assertThat(problemsOf("dev", "plain", "dev")).containsExactly("profile dev is named more than once");
        assertThat(problemsOf()).containsExactly("no profile selected");
    }

    @Test
    void select_reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> catalog().select(List.of("dev", "dve", "alice", "cyc-a", "bad-arn", "dangling", "dev")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.getMessage()).contains("dve").contains("alice").contains("cycle")
                            .contains("bad-arn").contains("nobody").contains("more than once");
                });
    }

    @Test
    void levenshteinDistance() {
        assertThat(ProfileCatalog.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(ProfileCatalog.distance("", "abc")).isEqualTo(3);
        assertThat(ProfileCatalog.distance("same", "same")).isZero();
    }
}
