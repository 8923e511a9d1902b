package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cross-account} with a base profile that has an mfa_serial, against the strict sandbox, whose roles
 * all require MFA: one code makes ONE GetSessionToken, every role is assumed with that MFA session, and the
 * session is cached for later commands.
 */
class CrossAccountMfaTest {
    private static final String KEY = "AKIACROSSMFABASE0001";
    private static final String SECRET = "crossAccountMfaBaseSecret/doNotUseInAws+01";
    private static final String MFA = "arn:aws:iam::111111111111:mfa/base";
    private static final String SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final List<String> ACCOUNTS = List.of("222222222222", "333333333333", "444444444444",
            "555555555555", "666666666666");

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    private final StsSandbox sandbox = sts.start(model());

    private static SandboxModel model() {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/base", KEY, SECRET, MFA, SEED));
        for (String account : ACCOUNTS) {
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/Ops",
                    List.of("arn:aws:iam::111111111111:root"), true, null, 3600));
        }
        return model.build();
    }

    /** [base] has the keys and an mfa_serial; [plain] has the same keys and no mfa_serial. */
    private Map<String, String> env() throws Exception {
        Files.writeString(dir.resolve("config"), "[profile base]\nregion = us-east-1\nmfa_serial = " + MFA
                + "\n\n[profile plain]\nregion = us-east-1\n");
        String keys = "aws_access_key_id = " + KEY + "\naws_secret_access_key = " + SECRET + "\n";
        Files.writeString(dir.resolve("credentials"), "[base]\n" + keys + "\n[plain]\n" + keys);
        return Map.of("AWS_CONFIG_FILE", dir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString(), "HOME", dir.toString(),
                "AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString());
    }

    private static Cli.Result crossAccount(Map<String, String> env, String profile, String... more) {
        List<String> args = new ArrayList<>(List.of("cross-account", "--base-profile", profile, "--role", "Ops",
                "--accounts", String.join(",", ACCOUNTS), "--format", "boto"));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void mfaBase_oneCode_makesOneGetSessionToken_andAssumesEveryRoleWithIt_thenLaterRunsReuseTheSession() throws Exception {
        Map<String, String> env = env();
        String code = sandbox.totp(MFA);

        Cli.Result first = crossAccount(env, "base", "--mfa-code", code);

        assertThat(first.exit()).as(first.toString()).isZero();
        JsonNode boto = new ObjectMapper().readTree(first.out());
        assertThat(GenerateCommandTest.keys(boto)).containsExactlyElementsOf(
                ACCOUNTS.stream().map(a -> "sts-" + a + "-Ops").toList());
        for (String account : ACCOUNTS) {
            assertThat(GenerateCommandTest.callerArn(sandbox.endpoint(), boto.get("sts-" + account + "-Ops")))
                    .startsWith("arn:aws:sts::" + account + ":assumed-role/Ops/stsfleet-");
        }
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ACCOUNTS.size());
        assertThat(first.err()).contains("5 of 5 accounts succeeded").doesNotContain(code).doesNotContain(SECRET);

        // No code and no terminal: the cached MFA session serves the second run.
        Cli.Result second = crossAccount(env, "base");

        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2L * ACCOUNTS.size());
        try (var files = Files.list(dir.resolve(".stsfleet/cache/session-tokens"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json")).toList()).hasSize(1);
        }
    }

    @Test
    void withoutMfa_theSameRolesAreDenied_soTheSessionIsWhatMadeThemWork() throws Exception {
        Cli.Result r = crossAccount(env(), "plain");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("0 of 5 accounts succeeded", "account 222222222222-Ops failed: AccessDenied");
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
    }

    @Test
    void mfaBase_withoutACode_orATerminal_orACachedSession_failsWithOneLine_beforeAnyCall() throws Exception {
        Cli.Result r = crossAccount(env(), "base");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("stsfleet: error: an MFA code is needed for " + MFA
                + " and there is no terminal to ask on: pass --mfa-code CODE").contains("stsfleet session-token --profile base");
        assertThat(r.out()).isEmpty();
        assertThat(sandbox.stats().total("GetSessionToken") + sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void sessionMadeBySessionToken_isReusedByCrossAccount() throws Exception {
        Map<String, String> env = env();
        Cli.Result session = Cli.run(env, "--profile", "base", "session-token", "--mfa-code", sandbox.totp(MFA));
        assertThat(session.exit()).as(session.toString()).isZero();

        Cli.Result r = crossAccount(env, "base");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ACCOUNTS.size());
    }

    @Test
    void wrongCode_isOneGetSessionTokenRefused_noRoleIsTried_exit1() throws Exception {
        String wrong = sandbox.totp(MFA, Instant.now().plusSeconds(600));

        Cli.Result r = crossAccount(env(), "base", "--mfa-code", wrong);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("AccessDenied").doesNotContain(wrong).doesNotContain(SECRET);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void mfaCode_forABaseWithoutAnMfaDevice_isAUsageError() throws Exception {
        Cli.Result r = crossAccount(env(), "plain", "--mfa-code", "123456");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--mfa-code was given but profile plain has no mfa_serial").doesNotContain("123456");
        assertThat(sandbox.stats().total("GetSessionToken") + sandbox.stats().total("AssumeRole")).isZero();
    }
}
