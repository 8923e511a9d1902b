package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code env} and {@code exec} for a profile with long-term keys give its MFA session; session-token --format env. */
class UserSessionEnvTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();
    private StsSandbox sandbox;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, true);
        sandbox = sts.start(fleet.model());
        env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("PATH", System.getenv("PATH"));
    }

    @Test
    void envOfAUser_givesItsMfaSession_cached_oneCode() throws Exception {
        Cli.Result first = Cli.run(env, "env", Fleets.SOURCE, "--mfa-code", sandbox.totp(Fleets.MFA));
        Cli.Result again = Cli.run(env, "env", Fleets.SOURCE);
        Path seen = dir.resolve("seen");
        Cli.Result exec = Cli.run(env, "exec", Fleets.SOURCE, "--", "sh", "-c", "echo \"$AWS_REGION\" > '" + seen + "'");

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("export AWS_ACCESS_KEY_ID='ASIA").contains("export AWS_SESSION_TOKEN=")
                .contains("export AWS_REGION='us-east-1'").doesNotContain(Fleets.SECRET);
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        assertThat(exec.exit()).as(exec.toString()).isZero();
        assertThat(Files.readString(seen)).isEqualTo("us-east-1\n");
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void envOfAUser_withoutCodeOrTerminal_exit2_noStsCall() {
        Cli.Result r = Cli.run(env, "env", Fleets.SOURCE);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("stsfleet: error: an MFA code is needed for " + Fleets.MFA).hasLineCount(1);
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
    }

    @Test
    void sessionToken_formatEnv_printsShellStatements() {
        Cli.Result r = Cli.run(env, "session-token", "--profile", Fleets.SOURCE, "--mfa-code", sandbox.totp(Fleets.MFA),
                "--format", "env", "--shell", "fish");
        Cli.Result bad = Cli.run(env, "session-token", "--profile", Fleets.SOURCE, "--format", "env", "--shell", "csh");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("set -e AWS_PROFILE; or true\n").contains("set -gx AWS_ACCESS_KEY_ID 'ASIA")
                .contains("set -gx AWS_CREDENTIAL_EXPIRATION '");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
    }
}
