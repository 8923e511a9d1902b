package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.testing.ScriptedStsServer;
import dev.stsfleet.testing.ScriptedStsServer.Answer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fleet's own logic against a scripted loopback STS: validation, configuration, bulk bookkeeping. */
class StsFleetTest {
    private static final Pattern AWS_SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final String CONFIG = """
            [profile alice]
            aws_access_key_id = AKIAALICE00000000001
            aws_secret_access_key = aliceSecretKey
            region = ap-southeast-2

            [profile mfa-user]
            aws_access_key_id = AKIAMFAUSER000000001
            aws_secret_access_key = mfaUserSecret
            mfa_serial = arn:aws:iam::123456789012:mfa/mfa.user

            [profile a]
            role_arn = arn:aws:iam::111111111111:role/a
            source_profile = alice

            [profile b]
            role_arn = arn:aws:iam::111111111111:role/b
            source_profile = alice

            [profile c]
            role_arn = arn:aws:iam::222222222222:role/c
            source_profile = alice

            [profile guarded]
            role_arn = arn:aws:iam::222222222222:role/guarded
            source_profile = mfa-user

            [profile hop1]
            role_arn = arn:aws:iam::333333333333:role/hop1
            source_profile = c

            [profile hop2]
            role_arn = arn:aws:iam::333333333333:role/hop2
            source_profile = c
            duration_seconds = 43200

            [profile broken]
            role_arn = not-an-arn
            source_profile = alice
            """;

    @TempDir
    Path dir;
    private final ScriptedStsServer server = new ScriptedStsServer();
    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        config = dir.resolve("config");
        Files.writeString(config, CONFIG);
        Files.writeString(dir.resolve("credentials"), "");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private StsFleet.Builder fleet() {
        return StsFleet.builder().configFile(config).credentialsFile(dir.resolve("credentials"))
                .endpoint(server.endpoint()).environment(Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345", "1234567", "abcdef", "12 456", ""})
    void sessionToken_withAMalformedCode_isInvalidInput_andMakesNoCall(String code) {
        try (StsFleet fleet = fleet().sourceProfile("mfa-user").build()) {
            assertThatThrownBy(() -> fleet.sessionToken(null, code))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("MFA code must be exactly 6 digits");
        }
        assertThat(server.total()).isZero();
    }

    @Test
    void sessionToken_lifetimeOutOfRange_isInvalidInput_andMakesNoCall() {
        try (StsFleet fleet = fleet().build()) {
            assertThatThrownBy(() -> fleet.sessionToken(Duration.ofMinutes(14), null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("session lifetime 14m is outside 15m to 36h");
            assertThatThrownBy(() -> fleet.sessionToken(Duration.ofHours(36).plusSeconds(1), null))
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThat(server.total()).isZero();
    }

    @Test
    void sessionToken_codeButNoMfaDevice_isInvalidInput() {
        try (StsFleet fleet = fleet().build()) {
            assertThatThrownBy(() -> fleet.sessionToken(null, "123456"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("has an mfa_serial")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("123456"));
            assertThatThrownBy(() -> fleet.sessionToken(null, null, "123456"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("without an MFA device");
        }
        assertThat(server.total()).isZero();
    }

    @Test
    void sessionToken_sourceWithoutKeys_isInvalidInput() {
        try (StsFleet fleet = fleet().sourceProfile("nobody").build()) {
            assertThatThrownBy(() -> fleet.sessionToken(null, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("nobody does not exist");
        }
        try (StsFleet fleet = fleet().sourceProfile("a").build()) {
            assertThatThrownBy(() -> fleet.sessionToken(null, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("is a role profile");
        }
        assertThat(server.total()).isZero();
    }

    @Test
    void generate_invalidSelection_reportsEverything_andMakesNoCall() {
        try (StsFleet fleet = fleet().build()) {
            assertThatThrownBy(() -> fleet.generateCredentials(List.of("a", "alice", "zzz", "broken", "a")))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.problems()).hasSize(4));
        }
        assertThat(server.total()).isZero();
    }

    @Test
    void generate_mfaRoleWithoutSessionOrCode_isInvalidInputNamingTheDevice_withoutACall() {
        try (StsFleet fleet = fleet().build()) {
            assertThatThrownBy(() -> fleet.generateCredentials(List.of("guarded")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("an MFA code is needed for arn:aws:iam::123456789012:mfa/mfa.user "
                            + "(source profile mfa-user, 1 role)");
        }
        assertThat(server.total()).isZero();
    }

    @Test
    void generate_oneFailure_losesNothingElse_andResultsKeepRequestOrder() {
        String exp = "2099-01-01T00:00:00Z";
        server.then(Answer.assumeRole("arn:aws:iam::222222222222:role/c", "s", exp),
                Answer.error(403, "AccessDenied", "not trusted"),
                Answer.assumeRole("arn:aws:iam::111111111111:role/b", "s", exp));
        List<String> progress = new ArrayList<>();
        try (StsFleet fleet = fleet().concurrency(1).build()) {
            FleetResult result = fleet.generateCredentials(List.of("c", "a", "b"), (r, done, total) -> {
                progress.add(r.profile() + " " + done + "/" + total);
                throw new IllegalStateException("a broken listener changes nothing");
            });

            assertThat(result.results().keySet()).containsExactly("sts-c", "sts-a", "sts-b");
            assertThat(result.succeeded()).isEqualTo(2);
            assertThat(result.allSucceeded()).isFalse();
            ProfileResult.Failed failed = result.failures().get("sts-a");
            assertThat(failed.code()).isEqualTo("AccessDenied");
            assertThat(failed.message()).isEqualTo("not trusted");
            assertThat(failed.roleArn()).isEqualTo("arn:aws:iam::111111111111:role/a");
            assertThat(result.credentials().get("sts-b").credentials().secretAccessKey()).isEqualTo("roleSecret-b");
            assertThat(result.view()).containsOnlyKeys("sts-c", "sts-b");
            assertThat(result.view().get("sts-c")).isInstanceOf(RoleCredentials.class);
            assertThat(fleet.currentCredentials()).containsOnlyKeys("sts-b", "sts-c");
        }
        assertThat(progress).containsExactly("c 1/3", "a 2/3", "b 3/3");
        assertThat(server.count("AssumeRole")).isEqualTo(3);
    }

    @Test
    void generate_rolesSourcedFromOneRole_assumeThatRoleOnce() {
        try (StsFleet fleet = fleet().build()) {
            FleetResult result = fleet.generateCredentials(List.of("hop1", "hop2", "c"));
            assertThat(result.failures()).isEmpty();
            assertThat(result.credentials().get("sts-hop2").assumedRoleArn())
                    .startsWith("arn:aws:sts::333333333333:assumed-role/hop2/alice-");
        }
        assertThat(server.count("AssumeRole")).isEqualTo(3);
    }

    @Test
    void generate_failedIntermediateRole_failsItsDependents_withTheSourceNamed() {
        server.then(Answer.error(403, "AccessDenied", "c does not trust alice"));
        try (StsFleet fleet = fleet().build()) {
            FleetResult result = fleet.generateCredentials(List.of("hop1", "hop2"));
            assertThat(result.failures()).containsOnlyKeys("sts-hop1", "sts-hop2");
            assertThat(result.failures().get("sts-hop2").code()).isEqualTo("AccessDenied");
            assertThat(result.failures().get("sts-hop2").message())
                    .isEqualTo("source role profile c: c does not trust alice");
        }
        assertThat(server.count("AssumeRole")).isEqualTo(1);
    }

    @Test
    void sourceProfile_defaultsToAwsProfile_elseDefault() {
        try (StsFleet fleet = fleet().environment(Map.of("AWS_PROFILE", "alice")).build()) {
            assertThat(fleet.sourceProfile()).isEqualTo("alice");
        }
        try (StsFleet fleet = fleet().environment(Map.of()).build()) {
            assertThat(fleet.sourceProfile()).isEqualTo("default");
        }
        try (StsFleet fleet = fleet().sourceProfile("mfa-user").build()) {
            assertThat(fleet.sourceProfile()).isEqualTo("mfa-user");
        }
    }

    @Test
    void region_comesFromBuilder_thenAwsRegion_thenTheSourceProfile_elseUsEast1() {
        try (StsFleet fleet = fleet().region("eu-central-1")
                .environment(Map.of("AWS_PROFILE", "alice", "AWS_REGION", "eu-north-1")).build()) {
            assertThat(fleet.region()).isEqualTo("eu-central-1");
        }
        try (StsFleet fleet = fleet().environment(Map.of("AWS_PROFILE", "alice", "AWS_REGION", "eu-north-1")).build()) {
            assertThat(fleet.region()).isEqualTo("eu-north-1");
        }
        try (StsFleet fleet = fleet().sourceProfile("alice").build()) {
            assertThat(fleet.region()).isEqualTo("ap-southeast-2");
        }
        try (StsFleet fleet = fleet().sourceProfile("mfa-user").build()) {
            assertThat(fleet.region()).isEqualTo("us-east-1");
        }
    }

    @Test
    void endpoint_comesFromBuilder_thenAwsEndpointUrlSts_thenAwsEndpointUrl() {
        Map<String, String> both = Map.of("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1/sts",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:2");
        URI explicit = URI.create("http://127.0.0.1:3");
        try (StsFleet fleet = fleet().endpoint(explicit).environment(both).build()) {
            assertThat(fleet.endpoint()).contains(explicit);
        }
        try (StsFleet fleet = fleet().endpoint(null).environment(both).build()) {
            assertThat(fleet.endpoint()).contains(URI.create("http://127.0.0.1:1/sts"));
        }
        try (StsFleet fleet = fleet().endpoint(null).environment(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:2")).build()) {
            assertThat(fleet.endpoint()).contains(URI.create("http://127.0.0.1:2"));
        }
        try (StsFleet fleet = fleet().endpoint(null).environment(Map.of()).build()) {
            assertThat(fleet.endpoint()).isEmpty();
        }
        assertThatThrownBy(() -> fleet().endpoint(null).environment(Map.of("AWS_ENDPOINT_URL", "not a url")).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("AWS_ENDPOINT_URL");
    }

    @Test
    void files_comeFromTheEnvironment_andANamedMissingFileIsInvalidInput() {
        try (StsFleet fleet = StsFleet.builder().environment(Map.of("AWS_CONFIG_FILE", config.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString())).build()) {
            assertThat(fleet.roleProfiles()).containsKeys("a", "b", "c", "guarded", "broken", "hop1");
        }
        // With no variables, the defaults under HOME may be absent.
        try (StsFleet fleet = StsFleet.builder().environment(Map.of("HOME", dir.resolve("home").toString())).build()) {
            assertThat(fleet.roleProfiles()).isEmpty();
        }
        assertThatThrownBy(() -> StsFleet.builder().environment(Map.of("AWS_CONFIG_FILE", dir.resolve("x").toString()))
                .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining(dir.resolve("x").toString());
        assertThatThrownBy(() -> fleet().credentialsFile(dir.resolve("y")).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("credentials file");
    }

    @Test
    void concurrency_outOfRange_isInvalidInput() {
        assertThatThrownBy(() -> StsFleet.builder().concurrency(0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void credentialsProvider_forANonRoleProfile_isInvalidInput() {
        try (StsFleet fleet = fleet().build()) {
            assertThatThrownBy(() -> fleet.credentialsProvider("alice")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> fleet.credentialsProvider("aa")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("unknown profile aa");
            assertThat(fleet.credentialsProvider("a").toString()).contains("a");
        }
    }

    @Test
    void closedFleet_refusesWork_andCloseIsIdempotent() {
        StsFleet fleet = fleet().build();
        fleet.close();
        fleet.close();
        assertThatThrownBy(() -> fleet.generateCredentials(List.of("a"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sessionName_isAlwaysValidForAws_andUnique() {
        Set<String> names = new HashSet<>();
        for (String user : new String[] {"alice", "älice with spaces/and:colons", "x".repeat(200), "", null, "a"}) {
            String name = RoleChain.sessionName(user);
            assertThat(name).matches(AWS_SESSION_NAME);
            names.add(name);
        }
        assertThat(names).hasSize(6);
        assertThat(RoleChain.sessionName("bob.smith@corp")).startsWith("bob.smith@corp-");
    }

    @Test
    void userOf_takesTheLastPathElementOfAnArn() {
        assertThat(RoleChain.userOf("arn:aws:iam::123456789012:mfa/team/alice")).isEqualTo("alice");
        assertThat(RoleChain.userOf("GAHT12345678")).isNull();
        assertThat(RoleChain.userOf(null)).isNull();
    }
}
