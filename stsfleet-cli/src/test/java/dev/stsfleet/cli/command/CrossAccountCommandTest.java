package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet cross-account}: moto for scale and interop, the strict sandbox for the external id. */
class CrossAccountCommandTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String KEY = "AKIABASEACCOUNT00001";
    private static final String SECRET = "baseAccountSecretKey/forCrossAccountTests01";
    private static final String EXTERNAL_ID = "ext-7f3a9c21";
    private static final String OTHER_EXTERNAL_ID = "ext-other-55";

    private static Map<String, String> files(Path dir, String endpoint) throws Exception {
        Files.writeString(dir.resolve("config"), "[profile base]\nregion = us-east-1\n");
        Files.writeString(dir.resolve("credentials"), "[base]\naws_access_key_id = " + KEY
                + "\naws_secret_access_key = " + SECRET + "\n");
        return Map.of("AWS_CONFIG_FILE", dir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString(), "HOME", dir.toString(),
                "AWS_ENDPOINT_URL_STS", endpoint);
    }

    @Test
    void twoHundredAccountsFromAFile_onMoto_eachGetsCredentialsNamingItsAccountAndRole(@TempDir Path dir) throws Exception {
        Map<String, String> env = files(dir, MOTO.endpoint().toString());
        List<String> accounts = new ArrayList<>();
        StringBuilder file = new StringBuilder("# the fleet\n\n");
        for (int i = 0; i < 200; i++) {
            String account = String.format("%012d", 100000000000L + i * 13L);
            accounts.add(account);
            file.append(account).append(i % 50 == 0 ? "   # team " + i / 50 + "\n\n" : "\n");
        }
        Files.writeString(dir.resolve("accounts.txt"), file.toString());

        Cli.Result r = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Auditor",
                "--accounts-file", dir.resolve("accounts.txt").toString(), "--format", "boto", "--concurrency", "16");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode boto = new ObjectMapper().readTree(r.out());
        assertThat(boto.size()).isEqualTo(200);
        assertThat(GenerateCommandTest.keys(boto)).containsExactlyElementsOf(
                accounts.stream().map(a -> "sts-" + a + "-Auditor").toList());
        Set<String> sessions = new HashSet<>();
        for (String account : accounts) {
            String arn = GenerateCommandTest.callerArn(MOTO.endpoint(), boto.get("sts-" + account + "-Auditor"));
            assertThat(arn).startsWith("arn:aws:sts::" + account + ":assumed-role/Auditor/stsfleet-");
            sessions.add(arn.substring(arn.lastIndexOf('/') + 1));
        }
        assertThat(sessions).as("unique session names").hasSize(200);
        assertThat(r.err()).contains("200 of 200 accounts succeeded").doesNotContain(SECRET);
    }

    private static SandboxModel externalIdModel() {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/base", KEY, SECRET, null, null));
        List<String> trust = List.of("arn:aws:iam::111111111111:root");
        model.role(new SandboxModel.Role("arn:aws:iam::222222222222:role/Audit", trust, false, EXTERNAL_ID, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::333333333333:role/Audit", trust, false, EXTERNAL_ID, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::444444444444:role/Audit", trust, false, OTHER_EXTERNAL_ID, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::555555555555:role/Audit", trust, false, null, 3600));
        return model.build();
    }

    @Test
    void externalId_isEnforced_wrongOrMissingIsAccessDeniedForThoseAccounts_othersSucceed_exit1(@TempDir Path dir)
            throws Exception {
        try (StsSandbox sandbox = sts.start(externalIdModel())) {
            Map<String, String> env = files(dir, sandbox.endpoint().toString());
            String accounts = "222222222222,333333333333,444444444444,555555555555";

            Cli.Result withId = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                    "--accounts", accounts, "--external-id", EXTERNAL_ID, "--format", "json");
            Cli.Result without = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                    "--accounts", accounts, "--format", "boto");

            assertThat(withId.exit()).as(withId.toString()).isEqualTo(1);
            assertThat(withId.err()).contains("account 444444444444-Audit failed: AccessDenied")
                    .doesNotContain("222222222222-Audit failed").doesNotContain("555555555555-Audit failed")
                    .contains("3 of 4 accounts succeeded").doesNotContain(EXTERNAL_ID).doesNotContain(SECRET);
            assertThat(withId.out()).doesNotContain(EXTERNAL_ID);

            assertThat(without.exit()).as(without.toString()).isEqualTo(1);
            assertThat(GenerateCommandTest.keys(new ObjectMapper().readTree(without.out())))
                    .containsExactly("sts-555555555555-Audit");
            assertThat(without.err()).contains("account 222222222222-Audit failed: AccessDenied",
                    "account 333333333333-Audit failed: AccessDenied", "account 444444444444-Audit failed: AccessDenied");
            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(4);
        }
    }

    @Test
    void badAccountIds_areReportedTogether_beforeAnyCall_exit2(@TempDir Path dir) throws Exception {
        try (StsSandbox sandbox = sts.start(externalIdModel())) {
            Map<String, String> env = files(dir, sandbox.endpoint().toString());
            Files.writeString(dir.resolve("accounts"), "222222222222\n12345\n# fine\n33333333333a\n\n222222222222\n");

            Cli.Result r = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                    "--accounts-file", dir.resolve("accounts").toString());

            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("line 2: not a 12-digit AWS account id: '12345'",
                    "line 4: not a 12-digit AWS account id: '33333333333a'", "account 222222222222 is named more than once");
            assertThat(r.out()).isEmpty();
            assertThat(sandbox.stats().total("AssumeRole") + sandbox.stats().total("GetCallerIdentity")).isZero();
        }
    }

    @Test
    void accountsFile_asAJsonArray_isRead_andNumbersAreRefused(@TempDir Path dir) throws Exception {
        try (StsSandbox sandbox = sts.start(externalIdModel())) {
            Map<String, String> env = files(dir, sandbox.endpoint().toString());
            Files.writeString(dir.resolve("ok.json"), "[\"555555555555\"]");
            Files.writeString(dir.resolve("bad.json"), "[555555555555, \"x\"]");

            Cli.Result ok = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                    "--accounts-file", dir.resolve("ok.json").toString(), "--format", "boto");
            Cli.Result bad = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                    "--accounts-file", dir.resolve("bad.json").toString());

            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(GenerateCommandTest.keys(new ObjectMapper().readTree(ok.out()))).containsExactly("sts-555555555555-Audit");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("item 1: account ids must be JSON strings", "item 2: not a 12-digit AWS account id: 'x'");
        }
    }

    @Test
    void unknownBaseProfile_andBothAccountOptions_areUsageErrors(@TempDir Path dir) throws Exception {
        Map<String, String> env = files(dir, "http://127.0.0.1:9");

        Cli.Result unknown = Cli.run(env, "cross-account", "--base-profile", "nope", "--role", "Audit", "--accounts", "555555555555");
        Cli.Result both = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit", "--accounts", "555555555555",
                "--accounts-file", "x");

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no profile nope");
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void formatEnv_oneAccount_printsShellStatementsTheAwsCliSignsWith_severalAreExit2BeforeAnyCall(@TempDir Path dir)
            throws Exception {
        StsSandbox sandbox = sts.start(externalIdModel());
        Map<String, String> env = files(dir, sandbox.endpoint().toString());

        Cli.Result one = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit", "--external-id",
                EXTERNAL_ID, "--accounts", "222222222222", "--format", "env");
        Cli.Result fish = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit", "--external-id",
                EXTERNAL_ID, "--accounts", "222222222222", "--format", "env", "--shell", "fish");
        sandbox.resetStats();
        Cli.Result two = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit", "--external-id",
                EXTERNAL_ID, "--accounts", "222222222222,333333333333", "--format", "env");

        assertThat(one.exit()).as(one.toString()).isZero();
        // Only the statements' names, never the values, in a failure message.
        assertThat(one.out().lines().map(l -> l.replaceAll("=.*", "")).toList()).contains("unset AWS_PROFILE",
                "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY", "export AWS_SESSION_TOKEN");
        assertThat(one.err()).contains("1 of 1 accounts succeeded");
        dev.stsfleet.cli.testing.Processes.Run id = dev.stsfleet.cli.testing.Processes.run(dir,
                Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(), "AWS_CONFIG_FILE", "/dev/null",
                        "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
                List.of("bash", "-c", one.out() + "\naws sts get-caller-identity --endpoint-url "
                        + sandbox.endpoint() + " --region us-east-1 --query Arn --output text"));
        assertThat(id.out()).as(id.err()).startsWith("arn:aws:sts::222222222222:assumed-role/Audit/");
        assertThat(fish.out().lines().anyMatch(l -> l.startsWith("set -gx AWS_ACCESS_KEY_ID "))).isTrue();
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).isEqualTo("stsfleet: error: --format env prints the credentials of one account; 2 are "
                + "selected (use --format boto or json for several)\n");
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }
}
