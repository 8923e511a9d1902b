package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.sandbox.junit.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web identity root's token file is read again at every refresh of the root: a CI system or EKS rotates it, and
 * the old token has expired by then. Also: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN serve roles that name no source.
 */
class WebIdentityRefreshTest {
    static final TestIdentityProvider IDP = TestIdentityProvider.create("oidc.eks.example.com/id/ABC");
    static final String CI_ROLE = "arn:aws:iam::111111111111:role/Ci";
    static final String TARGET = "arn:aws:iam::222222222222:role/Target";

    final TestClock clock = new TestClock();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().clock(clock).model(SandboxModel.builder()
            .oidcProvider(IDP.provider("111111111111", "sts.amazonaws.com"))
            .role(new SandboxModel.Role(CI_ROLE, List.of(IDP.arn("111111111111")), false, null, 3600))
            .role(new SandboxModel.Role(TARGET, List.of(CI_ROLE), false, null, 3600))
            .build()).build();

    @TempDir
    Path dir;

    @Test
    void refreshingARole_afterTheRootSessionNearsItsEnd_readsTheRotatedTokenFile(StsSandbox sandbox) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, IDP.token("system:serviceaccount:ci:deployer", "sts.amazonaws.com",
                clock.instant().plus(Duration.ofMinutes(20))));
        Files.writeString(dir.resolve("config"), "[profile ci]\nweb_identity_token_file = " + token + "\nrole_arn = "
                + CI_ROLE + "\n\n[profile target]\nrole_arn = " + TARGET + "\nsource_profile = ci\n");
        Files.writeString(dir.resolve("credentials"), "");
        try (StsFleet fleet = fleet(sandbox, Map.of())) {
            FleetResult first = fleet.keepFresh(List.of("target"), Duration.ofHours(3), ProgressListener.NONE);
            assertThat(first.allSucceeded()).as(first.toString()).isTrue();
            assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isEqualTo(1);

            // The CI system writes a new token; then time passes and the first one expires (the file is written
            // first: background refresh may run the moment the clock moves).
            Files.writeString(token, IDP.token("system:serviceaccount:ci:deployer", "sts.amazonaws.com",
                    clock.instant().plus(Duration.ofMinutes(70))));
            clock.advance(Duration.ofMinutes(50));
            fleet.refresher().refreshNow("target").get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isEqualTo(2);
            assertThat(sandbox.stats().errors("AssumeRoleWithWebIdentity")).isEmpty();
            assertThat(sandbox.stats().ok("AssumeRole")).isBetween(2L, 3L); // refreshNow, and background refresh may too
            assertThat(fleet.currentCredentials("target").orElseThrow().credentials().expiration())
                    .isAfter(clock.instant().plus(Duration.ofMinutes(50)));
        }
    }

    @Test
    void environmentWebIdentity_servesRolesThatNameNoSource(StsSandbox sandbox) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, IDP.token("system:serviceaccount:ci:deployer", "sts.amazonaws.com",
                clock.instant().plus(Duration.ofMinutes(20))));
        Files.writeString(dir.resolve("config"), "[profile target]\nrole_arn = " + TARGET + "\n");
        Files.writeString(dir.resolve("credentials"), "");
        try (StsFleet fleet = fleet(sandbox, Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                "AWS_ROLE_ARN", CI_ROLE, "AWS_ROLE_SESSION_NAME", "eks-pod"))) {
            assertThat(fleet.plan(List.of("target")).describe()).contains(
                    "source env-web-identity: 1 role assumed with its web identity session (AssumeRoleWithWebIdentity "
                            + "with its token file)");
            FleetResult r = fleet.generateCredentials(List.of("target"));
            assertThat(r.allSucceeded()).as(r.toString()).isTrue();
            assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isEqualTo(1);
        }
    }

    private StsFleet fleet(StsSandbox sandbox, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", dir.toString()));
        env.putAll(extra);
        return StsFleet.builder().configFile(dir.resolve("config")).credentialsFile(dir.resolve("credentials"))
                .endpoint(sandbox.endpoint()).clock(clock).environment(env).build();
    }
}
