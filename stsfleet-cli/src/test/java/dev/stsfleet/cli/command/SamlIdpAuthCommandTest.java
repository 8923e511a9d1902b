package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.AuthIdpServer;
import dev.stsfleet.testing.AuthIdpServer.Scheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code stsfleet saml --idp-auth ...} against loopback IdPs that REQUIRE NTLMv2, Digest, Basic or ADFS forms
 * (AuthIdpServer checks each server-side) and the strict sandbox: one IdP login serves five accounts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SamlIdpAuthCommandTest {
    private static final String PASSWORD = "Adfs-pa55-Not-In-Output";
    private static final List<String> ACCOUNTS = IntStream.rangeClosed(1, 5)
            .mapToObj(i -> "10000000000" + i).toList();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private static List<String> roleValues() {
        return ACCOUNTS.stream().map(a -> "arn:aws:iam::" + a + ":role/Deploy,arn:aws:iam::" + a + ":saml-provider/Corp")
                .toList();
    }

    /** Five accounts, each with a SAML provider (structure-checked: the test IdP does not sign) and a Deploy role. */
    private StsSandbox sandbox() {
        SandboxModel.Builder model = SandboxModel.builder();
        for (String account : ACCOUNTS) {
            String provider = "arn:aws:iam::" + account + ":saml-provider/Corp";
            model.samlProvider(new SandboxModel.SamlProvider(provider, null));
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/Deploy", List.of(provider), false, null, 3600));
        }
        return sts.start(model.build());
    }

    private static Cli.Result saml(Path home, StsSandbox sandbox, AuthIdpServer idp, String auth, String user,
                                   String password) {
        return SamlCommandTest.run(Map.of("HOME", home.toString(), "AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString()),
                password + "\n", "saml", "--idp-url", idp.ssoUrl().toString(), "--user", user, "--password-stdin",
                "--idp-auth", auth, "--role", "Deploy", "--accounts", String.join(",", ACCOUNTS), "--format", "boto");
    }

    @ParameterizedTest(name = "--idp-auth {0} against an IdP requiring {1}, as {2}")
    @CsvSource({
        "ntlm,   NTLM,          CORP\\alice",
        "ntlm,   NTLM,          alice@CORP",
        "digest, DIGEST_MD5,    alice",
        "digest, DIGEST_SHA256, alice",
        "basic,  BASIC,         alice",
        "adfs,   ADFS,          CORP\\alice",
        "auto,   NTLM,          CORP\\alice",
        "auto,   DIGEST_SHA256, alice",
        "auto,   BASIC,         alice"})
    void oneIdpLogin_servesFiveAccounts(String auth, Scheme scheme, String user, @TempDir Path home) throws Exception {
        try (StsSandbox sandbox = sandbox();
             AuthIdpServer idp = AuthIdpServer.start(scheme, user.startsWith("alice@") ? "CORP\\alice" : user, PASSWORD,
                     roleValues())) {
            Cli.Result r = saml(home, sandbox, idp, auth, user, PASSWORD);

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(idp.logins()).isEqualTo(1);
            assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isEqualTo(5);
            assertThat(GenerateCommandTest.keys(new ObjectMapper().readTree(r.out())))
                    .containsExactlyInAnyOrderElementsOf(ACCOUNTS.stream().map(a -> "sts-" + a + "-Deploy").toList());
            assertThat(r.err()).contains("5 of 5 account roles succeeded");
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
        }
    }

    @ParameterizedTest(name = "--idp-auth {0} with a wrong password against an IdP requiring {1}")
    @CsvSource({"ntlm, NTLM", "digest, DIGEST_MD5", "digest, DIGEST_SHA256", "basic, BASIC", "adfs, ADFS", "auto, NTLM"})
    void aWrongPassword_isIdpAccessDenied_exit1_beforeAnyStsCall(String auth, Scheme scheme, @TempDir Path home) {
        String wrong = "Wrong-pa55-" + scheme;
        try (StsSandbox sandbox = sandbox(); AuthIdpServer idp = AuthIdpServer.start(scheme, "CORP\\alice", PASSWORD, roleValues())) {
            Cli.Result r = saml(home, sandbox, idp, auth, scheme == Scheme.NTLM || scheme == Scheme.ADFS ? "CORP\\alice" : "alice",
                    wrong);

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).startsWith("stsfleet: error: IdP access denied").hasLineCount(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.out() + r.err()).doesNotContain(wrong).doesNotContain(PASSWORD);
            assertThat(idp.logins()).isZero();
            assertThat(sandbox.stats().total("AssumeRoleWithSAML")).isZero();
        }
    }

    @Test
    void profilesWithTheNtlmLoginKey_generate_logsInOnceForFiveProfiles(@TempDir Path home) throws Exception {
        try (StsSandbox sandbox = sandbox();
             AuthIdpServer idp = AuthIdpServer.start(Scheme.NTLM, "CORP\\alice", PASSWORD, roleValues())) {
            StringBuilder config = new StringBuilder();
            for (String account : ACCOUNTS) {
                config.append("[profile corp-").append(account).append("]\nrole_arn = arn:aws:iam::").append(account)
                        .append(":role/Deploy\nx_stsfleet_saml_url = ").append(idp.ssoUrl())
                        .append("\nx_stsfleet_saml_user = CORP\\alice\nx_stsfleet_saml_login = ntlm\n\n");
            }
            Files.writeString(home.resolve("config"), config);
            Files.writeString(home.resolve("credentials"), "");
            Map<String, String> env = Map.of("HOME", home.toString(), "AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString(),
                    "AWS_CONFIG_FILE", home.resolve("config").toString(),
                    "AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());

            Cli.Result r = SamlCommandTest.run(env, PASSWORD + "\n", "generate", "--all", "--password-stdin", "--format", "boto");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(GenerateCommandTest.keys(new ObjectMapper().readTree(r.out())))
                    .containsExactlyInAnyOrderElementsOf(ACCOUNTS.stream().map(a -> "sts-corp-" + a).toList());
            assertThat(idp.logins()).isEqualTo(1);
            assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isEqualTo(5);
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
        }
    }
}
