package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The delivery commands against moto's STS, read back by the real AWS CLI. */
class MotoDeliverTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @TempDir
    Path dir;

    private Map<String, String> env() throws Exception {
        Files.writeString(dir.resolve("config"), "[profile src]\nregion = us-east-1\n\n"
                + "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = src\n\n"
                + "[profile audit]\nrole_arn = arn:aws:iam::210987654321:role/Audit\nsource_profile = src\n"
                + "mfa_serial = arn:aws:iam::123456789012:mfa/bob\n");
        Files.writeString(dir.resolve("credentials"),
                "[src]\naws_access_key_id = AKIAMOTODELIVER00001\naws_secret_access_key = motoDeliverSecret/000000000000001\n");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_STS", MOTO.endpoint().toString());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("HOME", dir.toString());
        return env;
    }

    @Test
    void write_thenAwsCliWithTheSection_namesTheRoleOnMoto() throws Exception {
        Map<String, String> env = env();

        Cli.Result r = Cli.run(env, "write", "deploy");

        assertThat(r.exit()).as(r.toString()).isZero();
        String arn = Processes.arnOf(Processes.aws(dir, env, "sts", "get-caller-identity", "--profile", "sts-deploy",
                "--output", "json"));
        assertThat(arn).startsWith("arn:aws:sts::123456789012:assumed-role/Deploy/");
    }

    @Test
    void credentialProcess_withMfaSessionFromSessionToken_servesTheAwsCliOnMoto() throws Exception {
        Map<String, String> env = env();
        Path stsfleet = Processes.wrapper(dir);
        Files.writeString(dir.resolve("config"), Files.readString(dir.resolve("config"))
                + "\n[profile audit-cli]\ncredential_process = " + stsfleet + " credential-process audit\n");
        // moto checks no code, but the flow is the real one: the cached MFA session assumes the role.
        assertThat(Cli.run(env, "session-token", "--profile", "src", "--mfa-code", "123456").exit()).isZero();

        String arn = Processes.arnOf(Processes.aws(dir, env, "sts", "get-caller-identity", "--profile", "audit-cli",
                "--output", "json"));

        assertThat(arn).startsWith("arn:aws:sts::210987654321:assumed-role/Audit/");
    }
}
