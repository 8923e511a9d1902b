package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.StsfleetCli;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.SamlIdpServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stsfleet saml} against a real third-party IdP (npm saml-idp on loopback, which checks no password)
 * and the strict sandbox, which verifies the assertion's signature with the IdP's certificate.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SamlCommandTest {
    private static final String PASSWORD = "pa55-w0rd-Not-In-Output";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private static SamlIdpServer idp;

    @BeforeAll
    static void start() {
        idp = SamlIdpServer.builder().start();
    }

    @AfterAll
    static void stop() {
        if (idp != null) {
            idp.close();
        }
    }

    /** Runs the command with {@code stdin} as standard input. */
    static Cli.Result run(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StsfleetCli.newCommandLine(CliContext.of(env, Clock.systemUTC(),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Cli.Result(exit, out.toString(), err.toString());
    }

    private static SandboxModel model(boolean trustSamlAdmin) {
        SandboxModel.Builder model = SandboxModel.builder();
        for (String account : List.of("111111111111", "222222222222", "333333333333")) {
            String provider = "arn:aws:iam::" + account + ":saml-provider/TestIdP";
            model.samlProvider(new SandboxModel.SamlProvider(provider, idp.signingCertificatePem()));
        }
        model.role(new SandboxModel.Role("arn:aws:iam::222222222222:role/Deploy",
                List.of("arn:aws:iam::222222222222:saml-provider/TestIdP"), false, null, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::333333333333:role/Deploy",
                List.of("arn:aws:iam::333333333333:saml-provider/TestIdP"), false, null, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::222222222222:role/ReadOnly",
                List.of("arn:aws:iam::222222222222:saml-provider/TestIdP"), false, null, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::111111111111:role/SamlAdmin",
                List.of(trustSamlAdmin ? "arn:aws:iam::111111111111:saml-provider/TestIdP" : "arn:aws:iam::111111111111:root"),
                false, null, 3600));
        return model.build();
    }

    private static Map<String, String> env(Path dir, StsSandbox sandbox) {
        return Map.of("HOME", dir.toString(), "AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString());
    }

    @Test
    void accounts_withPasswordFromStdin_oneLoginServesEveryAccount_andTheCredentialsWork(@TempDir Path dir)
            throws Exception {
        try (StsSandbox sandbox = sts.start(model(true))) {
            Cli.Result r = run(env(dir, sandbox), PASSWORD + "\n", "saml", "--idp-url", idp.ssoUrl().toString(),
                    "--user", "alice", "--password-stdin", "--role", "Deploy",
                    "--accounts", "222222222222,333333333333", "--format", "boto");

            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode boto = new ObjectMapper().readTree(r.out());
            assertThat(GenerateCommandTest.keys(boto)).containsExactly("sts-222222222222-Deploy", "sts-333333333333-Deploy");
            for (String account : List.of("222222222222", "333333333333")) {
                assertThat(GenerateCommandTest.callerArn(sandbox.endpoint(), boto.get("sts-" + account + "-Deploy")))
                        .startsWith("arn:aws:sts::" + account + ":assumed-role/Deploy/");
            }
            assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isEqualTo(2);
            assertThat(r.err()).contains("2 of 2 account roles succeeded").doesNotContain(PASSWORD);
            assertThat(r.out()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void allRoles_takesEveryRoleOfTheAssertion_andNamesTheOneStsRefuses_exit1(@TempDir Path dir) throws Exception {
        try (StsSandbox sandbox = sts.start(model(false))) {
            Cli.Result r = run(env(dir, sandbox), PASSWORD, "saml", "--idp-url", idp.ssoUrl().toString(),
                    "--user", "alice", "--password-stdin", "--all-roles", "--format", "json");

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("account role 111111111111-SamlAdmin failed: AccessDenied")
                    .contains("3 of 4 account roles succeeded").doesNotContain(PASSWORD);
            assertThat(r.out()).contains("sts-222222222222-Deploy", "sts-333333333333-Deploy", "sts-222222222222-ReadOnly");
        }
    }

    @Test
    void withoutATerminal_andWithoutPasswordStdin_isAUsageError_andThePasswordIsNeverAnOption(@TempDir Path dir) {
        Map<String, String> env = Map.of("HOME", dir.toString());

        Cli.Result noTerminal = Cli.run(env, "saml", "--idp-url", idp.ssoUrl().toString(), "--user", "alice",
                "--role", "Deploy", "--accounts", "222222222222");
        Cli.Result asOption = Cli.run(env, "saml", "--idp-url", idp.ssoUrl().toString(), "--user", "alice",
                "--password", PASSWORD, "--role", "Deploy", "--accounts", "222222222222");
        Cli.Result badIds = run(env, PASSWORD, "saml", "--idp-url", idp.ssoUrl().toString(), "--user", "alice",
                "--password-stdin", "--role", "Deploy", "--accounts", "2222,abc");

        assertThat(noTerminal.exit()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("--password-stdin");
        assertThat(asOption.exit()).isEqualTo(2);
        assertThat(asOption.err()).contains("unknown option --password").doesNotContain(PASSWORD);
        assertThat(badIds.exit()).isEqualTo(2);
        assertThat(badIds.err()).contains("'2222'", "'abc'");
    }
}
