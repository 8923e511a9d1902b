package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.sandbox.junit.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CI pipeline's fleet: one OIDC token in a file (signed by a key this test makes), a {@code ci} profile with
 * {@code web_identity_token_file}, 200 role profiles in 20 accounts with {@code source_profile = ci}: one
 * AssumeRoleWithWebIdentity, then 200 AssumeRole. A bad token fails every role with the root named, no role called.
 */
class WebIdentityRootTest {
    static final TestIdentityProvider IDP = TestIdentityProvider.create("token.actions.example.com");
    static final String CI_ROLE = "arn:aws:iam::111111111111:role/Ci";
    static final String AUDIENCE = "sts.amazonaws.com";
    static final String SUBJECT = "repo:org/app:ref:refs/heads/main";
    static final int ACCOUNTS = 20;
    static final int ROLES_PER_ACCOUNT = 10;

    final TestClock clock = new TestClock();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().model(model()).clock(clock).build();

    @TempDir
    Path dir;

    static SandboxModel model() {
        SandboxModel.Builder m = SandboxModel.builder()
                .oidcProvider(IDP.provider("111111111111", AUDIENCE))
                .role(new SandboxModel.Role(CI_ROLE, List.of(IDP.arn("111111111111")), false, null, 3600,
                        List.of("repo:org/app:*")));
        for (int a = 0; a < ACCOUNTS; a++) {
            for (int r = 0; r < ROLES_PER_ACCOUNT; r++) {
                m.role(new SandboxModel.Role(roleArn(a, r), List.of(CI_ROLE), false, null, 3600));
            }
        }
        return m.build();
    }

    static String roleArn(int account, int role) {
        return String.format("arn:aws:iam::3000000000%02d:role/Deploy%d", account, role);
    }

    /** The README's CI config, with 200 role profiles. */
    Map<String, String> env(StsSandbox sandbox, String token) throws Exception {
        Files.writeString(dir.resolve("token"), token);
        StringBuilder config = new StringBuilder("[profile ci]\nweb_identity_token_file = " + dir.resolve("token")
                + "\nrole_arn = " + CI_ROLE + "\nrole_session_name = github-actions\n\n");
        for (int a = 0; a < ACCOUNTS; a++) {
            for (int r = 0; r < ROLES_PER_ACCOUNT; r++) {
                config.append(String.format("[profile deploy-%02d-%d]%nrole_arn = %s%nsource_profile = ci%n%n", a, r,
                        roleArn(a, r)));
            }
        }
        Files.writeString(dir.resolve("config"), config);
        Files.writeString(dir.resolve("credentials"), "");
        Map<String, String> env = Cli.awsEnv(dir, sandbox.endpoint());
        return env;
    }

    @Test
    void generateAll_twoHundredRolesInTwentyAccounts_oneAssumeRoleWithWebIdentity_twoHundredAssumeRole(StsSandbox sandbox)
            throws Exception {
        String token = IDP.token(SUBJECT, AUDIENCE, clock.instant().plus(Duration.ofHours(1)));
        Map<String, String> env = env(sandbox, token);

        Cli.Result plan = Cli.run(env, clock, "generate", "--all", "--dry-run");
        assertThat(plan.out()).as(plan.toString()).contains("plan: 200 role profiles from 1 source; 0 GetSessionToken calls, 200 AssumeRole "
                + "calls, 1 AssumeRoleWithWebIdentity call").contains("source ci: 200 roles assumed with its web identity session");

        long started = System.nanoTime();
        Cli.Result r = Cli.run(env, clock, "generate", "--all", "--format", "json");
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode credentials = new ObjectMapper().readTree(r.out()).get("credentials");
        assertThat(credentials.size()).isEqualTo(ACCOUNTS * ROLES_PER_ACCOUNT);
        assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ACCOUNTS * ROLES_PER_ACCOUNT);
        JsonNode one = RequestOptionsCommandTest.session(sandbox, credentials.get("sts-deploy-07-3").get("AccessKeyId").asText());
        assertThat(one.get("roleArn").asText()).isEqualTo(roleArn(7, 3));
        assertThat(one.get("chained").asBoolean()).isTrue();
        assertThat(r.err()).doesNotContain(token);
        System.out.println("WebIdentityRootTest: 1 + 200 calls in " + millis + " ms");
    }

    @Test
    void expiredToken_wrongAudience_badSignature_eachFailsEveryRoleNamingTheRoot_withNoRoleCall(StsSandbox sandbox)
            throws Exception {
        String expired = IDP.token(SUBJECT, AUDIENCE, clock.instant().minusSeconds(5));
        String wrongAudience = IDP.token(SUBJECT, "someone-else", clock.instant().plusSeconds(3600));
        String badSignature = TestIdentityProvider.create("token.actions.example.com").token(SUBJECT, AUDIENCE,
                clock.instant().plusSeconds(3600));
        Map<String, String> codes = Map.of(expired, "ExpiredTokenException", wrongAudience, "InvalidIdentityToken",
                badSignature, "InvalidIdentityToken");
        for (Map.Entry<String, String> c : codes.entrySet()) {
            Map<String, String> env = env(sandbox, c.getKey());
            Cli.Result r = Cli.run(env, clock, "generate", "--format", "json", "deploy-00-0", "deploy-01-0", "deploy-02-0");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("profile deploy-01-0 failed: " + c.getValue()
                    + ": source profile ci (web identity, role " + CI_ROLE + "): ").doesNotContain(c.getKey());
            assertThat(sandbox.stats().total("AssumeRole")).isZero();
        }
        assertThat(sandbox.stats().total("AssumeRoleWithWebIdentity")).isEqualTo(3);
    }

    @Test
    void aTokenSettingASourceIdentity_anotherOneRequested_exit2BeforeAnyCall_theSameOneCarriesThrough(StsSandbox sandbox)
            throws Exception {
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("iss", IDP.issuer(), "sub", SUBJECT, "aud", AUDIENCE,
                "exp", clock.instant().plusSeconds(3600).getEpochSecond(),
                "https://aws.amazon.com/source_identity", "ci-bot"));
        Map<String, String> env = env(sandbox, IDP.token(claims));

        Cli.Result refused = Cli.run(env, clock, "generate", "--format", "json", "--source-identity", "alice",
                "deploy-00-0", "deploy-01-1");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("source profile ci: its web identity token sets source identity ci-bot, "
                + "which AWS keeps down every chain from it; the requested source identity alice cannot replace it");
        assertThat(sandbox.stats().total("AssumeRoleWithWebIdentity") + sandbox.stats().total("AssumeRole")).isZero();

        Cli.Result same = Cli.run(env, clock, "generate", "--format", "json", "--source-identity", "ci-bot", "deploy-00-0");
        assertThat(same.exit()).as(same.toString()).isZero();
        JsonNode session = RequestOptionsCommandTest.session(sandbox, new ObjectMapper().readTree(same.out())
                .get("credentials").get("sts-deploy-00-0").get("AccessKeyId").asText());
        assertThat(session.get("sourceIdentity").asText()).isEqualTo("ci-bot");
    }

    @Test
    void write_thenTheAwsCli_getCallerIdentity_withTheWrittenProfile(StsSandbox sandbox) throws Exception {
        TestClock real = new TestClock(); // the AWS CLI signs with the real time
        String token = IDP.token(SUBJECT, AUDIENCE, real.instant().plus(Duration.ofHours(1)));
        Map<String, String> env = env(sandbox, token);
        Cli.Result w = Cli.run(env, clock, "write", "deploy-04-2", "deploy-05-1");
        assertThat(w.exit()).as(w.toString()).isZero();

        AwsCli.Result aws = AwsCli.run(dir, Map.of("AWS_CONFIG_FILE", dir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString()),
                "--profile", "sts-deploy-04-2", "--endpoint-url", sandbox.endpoint().toString(),
                "sts", "get-caller-identity", "--output", "json");
        assertThat(aws.exit()).as(aws.toString()).isZero();
        assertThat(aws.out()).contains("arn:aws:sts::300000000004:assumed-role/Deploy2/");
    }
}
