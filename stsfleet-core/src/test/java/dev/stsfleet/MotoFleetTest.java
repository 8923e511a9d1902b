package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.testing.MotoServer;
import java.io.IOException;
import dev.stsfleet.profile.CredentialPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** The bulk engine against moto's STS server: real SDK calls over loopback HTTP. */
class MotoFleetTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @TempDir
    Path dir;

    @BeforeEach
    void resetMoto() {
        MOTO.reset();
    }

    /** 50 role profiles over 10 accounts, sourced from user alice, with MFA on the user. */
    private Path config(int accounts, int rolesPerAccount) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("[default]\nregion = eu-west-1\n\n");
        sb.append("[profile alice]\naws_access_key_id = AKIAALICEEXAMPLE0001\n")
                .append("aws_secret_access_key = aliceSecretKeyValue0000000000000000000001\n")
                .append("mfa_serial = arn:aws:iam::123456789012:mfa/alice\n\n");
        for (int a = 0; a < accounts; a++) {
            for (int r = 0; r < rolesPerAccount; r++) {
                String account = String.format("1000000000%02d", a);
                sb.append("[profile role-").append(a).append('-').append(r).append("]\n")
                        .append("role_arn = arn:aws:iam::").append(account).append(":role/deploy-").append(r).append('\n')
                        .append("source_profile = alice\n")
                        .append("duration_seconds = 7200\n\n");
            }
        }
        Path file = dir.resolve("config");
        Files.writeString(file, sb.toString());
        Files.writeString(dir.resolve("credentials"), "");
        return file;
    }

    private StsFleet.Builder fleet(Path config) {
        return StsFleet.builder()
                .configFile(config)
                .credentialsFile(dir.resolve("credentials"))
                .sourceProfile("alice") // sessionToken(...) makes alice's session: the case names its user
                .endpoint(MOTO.endpoint())
                .environment(Map.of());
    }

    @Test
    void generate_withOneMfaSession_assumesFiftyRolesInTenAccounts_andEachNamesItsRole() throws IOException {
        try (StsFleet fleet = fleet(config(10, 5)).build()) {
            SessionToken token = fleet.sessionToken(Duration.ofHours(5), "123456");
            assertThat(token.withMfa()).isTrue();
            assertThat(fleet.currentSession()).contains(token);

            List<String> names = new ArrayList<>(fleet.roleProfiles().keySet());
            assertThat(names).hasSize(50);
            FleetResult result = fleet.generateCredentials(names);

            assertThat(result.failures()).isEmpty();
            assertThat(result.requested()).isEqualTo(50);
            assertThat(result.results().keySet()).containsExactlyElementsOf(
                    names.stream().map(n -> "sts-" + n).toList());
            Set<String> accounts = result.credentials().values().stream().map(RoleCredentials::accountId)
                    .collect(Collectors.toSet());
            assertThat(accounts).hasSize(10);
            for (RoleCredentials c : result.credentials().values()) {
                CallerIdentity id = fleet.callerIdentity(c.credentials());
                assertThat(id.account()).isEqualTo(c.accountId());
                assertThat(id.roleName()).isEqualTo(c.roleName());
                assertThat(id.arn()).startsWith("arn:aws:sts::" + c.accountId() + ":assumed-role/" + c.roleName() + "/alice-");
                assertThat(c.assumedRoleArn()).isEqualTo(id.arn());
            }
        }
    }

    @Test
    void generate_oneSource_mfaRolesGetTheMfaSession_theOthersItsLongTermKeys() throws IOException {
        Path config = config(1, 1);
        Files.writeString(config, Files.readString(config).replace("mfa_serial = arn:aws:iam::123456789012:mfa/alice\n", "")
                + "[profile guarded]\nrole_arn = arn:aws:iam::200000000000:role/guarded\nsource_profile = alice\n"
                + "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n");
        try (StsFleet fleet = fleet(config).mfaCode("123456").build()) {
            CredentialPlan plan = fleet.plan(List.of("guarded", "role-0-0"));
            assertThat(plan.sources()).extracting(CredentialPlan.Source::mfaSerial, CredentialPlan.Source::session)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("arn:aws:iam::123456789012:mfa/alice",
                                    CredentialPlan.Session.NEW_WITH_CODE),
                            org.assertj.core.groups.Tuple.tuple(null, CredentialPlan.Session.KEYS));
            FleetResult result = fleet.generateCredentials(List.of("guarded", "role-0-0"));

            assertThat(result.results().keySet()).containsExactly("sts-guarded", "sts-role-0-0");
            assertThat(result.allSucceeded()).isTrue();
            RoleCredentials guarded = result.credentials().get("sts-guarded");
            assertThat(Duration.between(guarded.credentials().start(), guarded.credentials().expiration()))
                    .as("assumed with the MFA session: role chaining, one hour").isLessThanOrEqualTo(Duration.ofHours(1));
            RoleCredentials ok = result.credentials().get("sts-role-0-0");
            assertThat(fleet.callerIdentity(ok.credentials()).roleName()).isEqualTo("deploy-0");
            // Long-term keys: no role chaining, so the profile's 7200 s stands.
            assertThat(Duration.between(ok.credentials().start(), ok.credentials().expiration()))
                    .isGreaterThan(Duration.ofMinutes(61));
        }
    }

    @Test
    void generate_withSession_clampsRoleDurationToOneHour() throws IOException {
        try (StsFleet fleet = fleet(config(1, 1)).build()) {
            fleet.sessionToken(null, "123456");
            RoleCredentials c = fleet.generateCredentials(List.of("role-0-0")).credentials().get("sts-role-0-0");
            assertThat(Duration.between(c.credentials().start(), c.credentials().expiration()))
                    .isLessThanOrEqualTo(Duration.ofHours(1).plusSeconds(5));
        }
    }

    @Test
    void generate_roleSourcedFromRole_assumesTheIntermediateFirst() throws IOException {
        Path config = config(1, 1);
        Files.writeString(config, Files.readString(config)
                + "[profile hop]\nrole_arn = arn:aws:iam::300000000000:role/hop\nsource_profile = role-0-0\n"
                + "role_session_name = hop-session\n");
        try (StsFleet fleet = fleet(config).build()) {
            fleet.sessionToken(null, "123456");
            FleetResult result = fleet.generateCredentials(List.of("hop", "role-0-0"));
            assertThat(result.failures()).isEmpty();
            CallerIdentity id = fleet.callerIdentity(result.credentials().get("sts-hop").credentials());
            assertThat(id.arn()).isEqualTo("arn:aws:sts::300000000000:assumed-role/hop/hop-session");
        }
    }

    @Test
    void credentialsProvider_servesTheNewestCredentialsToAnySdkClient_andRefusesExpiredOnes() throws IOException {
        TestClock clock = new TestClock(Instant.now());
        try (StsFleet fleet = fleet(config(1, 1)).clock(clock).build()) {
            var provider = fleet.credentialsProvider("role-0-0");
            assertThatThrownBy(provider::resolveCredentials).isInstanceOf(StsFleetException.class)
                    .hasMessageContaining("no credentials for profile role-0-0");
            fleet.sessionToken(null, "123456");
            fleet.generateCredentials(List.of("role-0-0"));

            try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(MOTO.endpoint())
                    .credentialsProvider(provider).build()) {
                GetCallerIdentityResponse id = sts.getCallerIdentity();
                assertThat(id.arn()).contains(":assumed-role/deploy-0/");
            }
            assertThat(fleet.currentCredentials()).containsOnlyKeys("sts-role-0-0");

            clock.advance(Duration.ofHours(2));
            assertThatThrownBy(provider::resolveCredentials).isInstanceOf(StsFleetException.class)
                    .hasMessageContaining("expired");
        }
    }

    @Test
    void generate_inBotoFormat_viewsStsFieldNamesWithIsoTimes() throws IOException {
        try (StsFleet fleet = fleet(config(1, 2)).format(OutputFormat.BOTO).build()) {
            fleet.sessionToken(null, "123456");
            FleetResult result = fleet.generateCredentials(List.of("role-0-1", "role-0-0"));
            assertThat(result.format()).isEqualTo(OutputFormat.BOTO);
            assertThat(result.view()).containsOnlyKeys("sts-role-0-1", "sts-role-0-0");
            @SuppressWarnings("unchecked")
            Map<String, String> boto = (Map<String, String>) result.view().get("sts-role-0-1");
            assertThat(boto).containsOnlyKeys("AccessKeyId", "SecretAccessKey", "SessionToken", "StartTime", "Expiration");
            assertThat(boto.get("Expiration")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        }
    }
}
