package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sts.StsGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credential plan through the real command, with an AWS config as people write it: role profiles naming
 * their {@code source_profile}, {@code mfa_serial} on the user's profile only (the aws-vault habit) or on the
 * role (the AWS CLI's), two IAM users, no {@code [default]}, no {@code AWS_PROFILE}, no {@code --profile}.
 */
class CredentialPlanCommandTest {
    static final String ALICE_KEY = "AKIAPLANALICE0000001";
    static final String ALICE_SECRET = "planAliceSecretKey/doNotUseInAws+000001";
    static final String ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice";
    static final String BOB_KEY = "AKIAPLANBOB000000001";
    static final String BOB_SECRET = "planBobSecretKey/doNotUseInAws+00000001";
    static final String CAROL_KEY = "AKIAPLANCAROL0000001";
    static final String CAROL_SECRET = "planCarolSecretKey/doNotUseInAws+000001";
    static final String CAROL_MFA = "arn:aws:iam::333333333333:mfa/carol";
    static final String SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    static final String SEED2 = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().model(model()).build();

    @TempDir
    Path dir;

    private static SandboxModel model() {
        SandboxModel.Builder m = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/alice", ALICE_KEY, ALICE_SECRET, ALICE_MFA, SEED))
                .user(new SandboxModel.User("arn:aws:iam::222222222222:user/bob", BOB_KEY, BOB_SECRET, null, null))
                .user(new SandboxModel.User("arn:aws:iam::333333333333:user/carol", CAROL_KEY, CAROL_SECRET, CAROL_MFA, SEED2));
        for (int i = 0; i < 3; i++) {
            m.role(new SandboxModel.Role("arn:aws:iam::40000000000" + i + ":role/AliceOps" + i,
                    List.of("arn:aws:iam::111111111111:root"), true, null, 3600));
            m.role(new SandboxModel.Role("arn:aws:iam::50000000000" + i + ":role/BobRead" + i,
                    List.of("arn:aws:iam::222222222222:root"), false, null, 3600));
        }
        m.role(new SandboxModel.Role("arn:aws:iam::600000000000:role/CarolAudit",
                List.of("arn:aws:iam::333333333333:root"), true, null, 3600));
        return m.build();
    }

    /** alice: MFA on her profile only; bob: no MFA; carol: MFA on her role. No [default]. */
    private Map<String, String> env(StsSandbox sandbox, String extraCredentials) throws Exception {
        StringBuilder config = new StringBuilder("[profile alice]\nregion = us-east-1\nmfa_serial = " + ALICE_MFA + "\n\n"
                + "[profile bob]\nregion = eu-west-1\n\n[profile carol]\nregion = us-east-1\n\n");
        for (int i = 0; i < 3; i++) {
            config.append("[profile alice-ops").append(i).append("]\nrole_arn = arn:aws:iam::40000000000").append(i)
                    .append(":role/AliceOps").append(i).append("\nsource_profile = alice\n\n");
            config.append("[profile bob-read").append(i).append("]\nrole_arn = arn:aws:iam::50000000000").append(i)
                    .append(":role/BobRead").append(i).append("\nsource_profile = bob\n\n");
        }
        config.append("[profile carol-audit]\nrole_arn = arn:aws:iam::600000000000:role/CarolAudit\n"
                + "source_profile = carol\nmfa_serial = " + CAROL_MFA + "\n");
        Files.writeString(dir.resolve("config"), config);
        Files.writeString(dir.resolve("credentials"), "[alice]\naws_access_key_id = " + ALICE_KEY
                + "\naws_secret_access_key = " + ALICE_SECRET + "\n\n[bob]\naws_access_key_id = " + BOB_KEY
                + "\naws_secret_access_key = " + BOB_SECRET + "\n\n[carol]\naws_access_key_id = " + CAROL_KEY
                + "\naws_secret_access_key = " + CAROL_SECRET + "\n" + extraCredentials);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString());
        env.put("HOME", dir.toString());
        return env;
    }

    private static final List<String> ALICE_AND_BOB = List.of("alice-ops0", "alice-ops1", "alice-ops2",
            "bob-read0", "bob-read1", "bob-read2");

    @Test
    void generate_twoUsers_oneMfaCode_oneSessionForAlice_bobWithHisKeys_eachRoleNamesItself(StsSandbox sandbox)
            throws Exception {
        Map<String, String> env = env(sandbox, "");
        List<String> args = new ArrayList<>(List.of("generate", "--format", "json", "--mfa-code", sandbox.totp(ALICE_MFA)));
        args.addAll(ALICE_AND_BOB);
        Cli.Result r = Cli.run(env, args.toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(6);
        assertIdentities(sandbox, r.out(), 6);
        assertThat(r.err()).contains("3 roles assumed with the MFA session of profile alice (new");
    }

    @Test
    void cachedSession_servesGenerateEnvExecWriteAndKeepFresh_withNoCodeAndNoTerminal(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox, "");
        Cli.Result first = Cli.run(env, "generate", "--format", "json", "--mfa-code", sandbox.totp(ALICE_MFA), "alice-ops0");
        assertThat(first.exit()).as(first.toString()).isZero();
        sandbox.resetStats();

        assertThat(Cli.run(env, "generate", "--format", "json", "alice-ops0", "alice-ops1", "bob-read0").exit()).isZero();
        Cli.Result envOut = Cli.run(env, "env", "alice-ops2");
        assertThat(envOut.exit()).as(envOut.toString()).isZero();
        assertThat(envOut.out()).contains("export AWS_SESSION_TOKEN=");
        Cli.Result exec = Cli.run(env, "exec", "alice-ops1", "--", "true");
        assertThat(exec.exit()).as(exec.toString()).isZero();
        assertThat(Cli.run(env, "write", "alice-ops0").exit()).isZero();
        assertThat(Cli.run(env, "credential-process", "--no-cache", "alice-ops0").exit()).isZero();

        assertThat(sandbox.stats().total("GetSessionToken")).as("the cached MFA session served every command").isZero();
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(7);
    }

    @Test
    void twoMfaDevices_bothCodesByDevice_oneSessionEach(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox, "");
        Cli.Result r = Cli.run(env, "generate", "--format", "json", "--mfa-code", ALICE_MFA + "=" + sandbox.totp(ALICE_MFA),
                "--mfa-code", CAROL_MFA + "=" + sandbox.totp(CAROL_MFA), "alice-ops0", "carol-audit", "bob-read0");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(2);
        assertIdentities(sandbox, r.out(), 3);
    }

    @Test
    void twoMfaDevices_oneCodeMissing_noTerminal_exit2NamingIt_andNoCall(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox, "");
        Cli.Result r = Cli.run(env, "generate", "--mfa-code", ALICE_MFA + "=" + sandbox.totp(ALICE_MFA),
                "alice-ops0", "carol-audit");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("an MFA code is needed for " + CAROL_MFA + " (source profile carol, 1 role)")
                .doesNotContain(ALICE_MFA + " (source");
        assertThat(r.err().lines().filter(l -> l.startsWith("stsfleet: error:")).count()).isEqualTo(1);
        assertThat(calls(sandbox)).isZero();
    }

    @Test
    void aDefaultProfileWithAnotherUsersKeys_changesNothingForAlicesRoles(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox, "\n[default]\naws_access_key_id = " + BOB_KEY
                + "\naws_secret_access_key = " + BOB_SECRET + "\n");
        Cli.Result r = Cli.run(env, "generate", "--format", "json", "--mfa-code", sandbox.totp(ALICE_MFA),
                "alice-ops0", "alice-ops1");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().errors("GetSessionToken")).isEmpty();
        assertIdentities(sandbox, r.out(), 2);
    }

    @Test
    void everyProblem_cycleMissingSourceKeylessSourceAndBadCode_together_exit2_noCall(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox, "");
        Files.writeString(dir.resolve("config"), Files.readString(dir.resolve("config"))
                + "\n[profile loop-a]\nrole_arn = arn:aws:iam::700000000000:role/A\nsource_profile = loop-b\n"
                + "\n[profile loop-b]\nrole_arn = arn:aws:iam::700000000000:role/B\nsource_profile = loop-a\n"
                + "\n[profile lost]\nrole_arn = arn:aws:iam::700000000000:role/L\nsource_profile = nobody\n"
                + "\n[profile keyless]\nregion = us-east-1\n"
                + "\n[profile via-keyless]\nrole_arn = arn:aws:iam::700000000000:role/K\nsource_profile = keyless\n");
        Cli.Result r = Cli.run(env, "generate", "--mfa-code", "12ab", "loop-a", "lost", "via-keyless", "alice-ops0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("source_profile cycle loop-a -> loop-b -> loop-a")
                .contains("source_profile nobody does not exist")
                .contains("source profile keyless has no long-term keys")
                .contains("the MFA code must be exactly 6 digits")
                .doesNotContain("12ab");
        assertThat(calls(sandbox)).isZero();
    }

    @Test
    void dryRun_onAThousandRolesUnderThreeSources_printsThePlan_andMakesNoCall(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox, "");
        StringBuilder more = new StringBuilder(Files.readString(dir.resolve("config")));
        List<String> names = new ArrayList<>();
        String[] sources = {"alice", "bob", "carol"};
        for (int i = 0; i < 1000; i++) {
            String source = sources[i % 3];
            names.add("bulk" + i);
            more.append("\n[profile bulk").append(i).append("]\nrole_arn = arn:aws:iam::7").append(String.format("%011d", i))
                    .append(":role/Bulk\nsource_profile = ").append(source).append('\n');
            if (source.equals("carol")) {
                more.append("mfa_serial = ").append(CAROL_MFA).append('\n');
            }
        }
        Files.writeString(dir.resolve("config"), more.toString());
        List<String> args = new ArrayList<>(List.of("generate", "--dry-run", "--mfa-code",
                ALICE_MFA + "=123456", "--mfa-code", CAROL_MFA + "=654321"));
        args.addAll(names);
        Cli.Result r = Cli.run(env, args.toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("plan: 1000 role profiles from 3 sources; 2 GetSessionToken calls, 1000 AssumeRole calls")
                .contains("source alice, MFA device " + ALICE_MFA + ": 334 roles assumed with a new MFA session")
                .contains("source bob, no MFA: 333 roles assumed with its long-term keys")
                .contains("source carol, MFA device " + CAROL_MFA + ": 333 roles")
                .doesNotContain("123456").doesNotContain("654321");
        assertThat(calls(sandbox)).isZero();
    }

    static long calls(StsSandbox sandbox) {
        return sandbox.stats().total("GetSessionToken") + sandbox.stats().total("AssumeRole");
    }

    /** Every credential of the JSON output names its own role when asked (GetCallerIdentity on the sandbox). */
    static void assertIdentities(StsSandbox sandbox, String json, int expected) throws Exception {
        JsonNode credentials = new ObjectMapper().readTree(json).get("credentials");
        assertThat(credentials.size()).isEqualTo(expected);
        try (StsGateway gateway = StsGateway.builder().region("us-east-1").endpoint(sandbox.endpoint()).build()) {
            Iterator<Map.Entry<String, JsonNode>> it = credentials.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode c = e.getValue();
                TemporaryCredentials t = TemporaryCredentials.of(c.get("AccessKeyId").asText(),
                        c.get("SecretAccessKey").asText(), c.get("SessionToken").asText(),
                        java.time.Instant.parse(c.get("StartTime").asText()),
                        java.time.Instant.parse(c.get("Expiration").asText()));
                String role = gateway.getCallerIdentity(t.toSdkCredentials()).roleName();
                String profile = e.getKey().substring("sts-".length());
                assertThat(profile.replace("-", "")).as(e.getKey()).isEqualToIgnoringCase(role);
            }
        }
    }
}
