package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet env}: the statements, run by real shells, then used by the real AWS CLI. */
class EnvCommandTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    private Fleets start(boolean mfa) throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 1, 2, mfa);
        sandbox = sts.start(fleet.model());
        return fleet;
    }

    /** The user's environment for the AWS CLI: the files, the endpoint and a region; no AWS_PROFILE. */
    private Map<String, String> awsEnv(Fleets fleet) {
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        return env;
    }

    @Test
    void evalInBash_thenAwsCli_namesTheRole_andAwsProfileIsUnset() throws Exception {
        Fleets fleet = start(false);
        Path stsfleet = Processes.wrapper(dir);

        Processes.Run r = Processes.run(dir, awsEnv(fleet), List.of("bash", "-c",
                // AWS_PROFILE set in the shell only after stsfleet ran (its source is not the case here): the
                // output must unset it, or the AWS CLI would use that profile rather than the exported keys.
                "out=\"$('" + stsfleet + "' env ops0)\" || exit 9; export AWS_PROFILE=alice; eval \"$out\"; "
                        + "test -z \"${AWS_PROFILE+x}\" || exit 8; "
                        + "aws sts get-caller-identity --output json"));

        assertThat(Processes.arnOf(r)).matches("arn:aws:sts::\\d{12}:assumed-role/Ops0/.+");
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(1);
    }

    @Test
    void zshAndFish_runTheirOutput_thenAwsCli_namesTheRole() throws Exception {
        Fleets fleet = start(false);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        Cli.Result zsh = Cli.run(env, "env", "ops1", "--shell", "zsh");
        Cli.Result fish = Cli.run(env, "env", "ops1", "--shell", "fish");
        assertThat(zsh.exit()).as(zsh.toString()).isZero();
        assertThat(fish.exit()).as(fish.toString()).isZero();
        Files.writeString(dir.resolve("env.zsh"), zsh.out());
        Files.writeString(dir.resolve("env.fish"), fish.out());

        Processes.Run z = Processes.run(dir, awsEnv(fleet), List.of("zsh", "-c",
                "eval \"$(cat '" + dir.resolve("env.zsh") + "')\"; aws sts get-caller-identity --output json"));
        Processes.Run f = Processes.run(dir, awsEnv(fleet), List.of("fish", "-c",
                "source '" + dir.resolve("env.fish") + "'; aws sts get-caller-identity --output json"));

        assertThat(Processes.arnOf(z)).contains(":assumed-role/Ops1/");
        assertThat(Processes.arnOf(f)).contains(":assumed-role/Ops1/");
    }

    @Test
    void fishAndPowershellOutput_matchTheGoldenFiles() throws Exception {
        Fleets fleet = start(false);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        Cli.Result fish = Cli.run(env, "env", "ops0", "--shell", "fish");
        Cli.Result ps = Cli.run(env, "env", "ops0", "--shell", "powershell", "--legacy");

        assertThat(fish.exit()).as(fish.toString()).isZero();
        assertThat(ps.exit()).as(ps.toString()).isZero();
        assertThat(placeholders(fish.out(), Pattern.compile("set -gx (\\w+) '([^']*)'")))
                .isEqualTo(golden("env-fish.txt"));
        assertThat(placeholders(ps.out(), Pattern.compile("\\$Env:(\\w+) = '([^']*)'")))
                .isEqualTo(golden("env-powershell-legacy.txt"));
    }

    @Test
    void mfaRole_afterSessionToken_needsNoCode_andWithoutSessionOrTerminal_saysWhatToRun() throws Exception {
        Fleets fleet = start(true);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        Cli.Result none = Cli.run(env, "env", "ops0");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err().strip()).startsWith("stsfleet: error: an MFA code is needed for " + Fleets.MFA)
                .contains("stsfleet session-token --profile alice").doesNotContain("\n");

        Cli.Result session = Cli.run(env, "session-token", "--mfa-code", sandbox.totp(Fleets.MFA));
        assertThat(session.exit()).as(session.toString()).isZero();
        Cli.Result r = Cli.run(env, "env", "ops0");
        Cli.Result again = Cli.run(env, "env", "ops1", "--shell", "bash");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(r.out()).startsWith("unset AWS_PROFILE\nunset AWS_DEFAULT_PROFILE\nexport AWS_ACCESS_KEY_ID='ASIA");
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2);
    }

    @Test
    void unknownShell_orUnknownProfile_exit2_oneLine_noStsCall() throws Exception {
        Fleets fleet = start(false);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        Cli.Result shell = Cli.run(env, "env", "ops0", "--shell", "tcsh");
        Cli.Result profile = Cli.run(env, "env", "nosuch");

        assertThat(shell.exit()).isEqualTo(2);
        assertThat(shell.err()).isEqualTo("stsfleet: error: unknown shell 'tcsh': expected bash, zsh, fish or powershell\n");
        assertThat(profile.exit()).isEqualTo(2);
        assertThat(profile.err()).startsWith("stsfleet: error: unknown profile nosuch").hasLineCount(1);
        assertThat(shell.out() + profile.out()).isEmpty();
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    /** The output with each credential value replaced by a placeholder named after what it is. */
    private static String placeholders(String out, Pattern assignment) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = assignment.matcher(out);
        while (m.find()) {
            values.put(m.group(1), m.group(2));
        }
        assertThat(values).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
        return out.replace(values.get("AWS_SESSION_TOKEN"), "<SESSION_TOKEN>")
                .replace(values.get("AWS_SECRET_ACCESS_KEY"), "<SECRET_ACCESS_KEY>")
                .replace(values.get("AWS_ACCESS_KEY_ID"), "<ACCESS_KEY_ID>")
                .replace(values.get("AWS_CREDENTIAL_EXPIRATION"), "<EXPIRATION>");
    }

    private static String golden(String name) throws Exception {
        try (InputStream in = EnvCommandTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
