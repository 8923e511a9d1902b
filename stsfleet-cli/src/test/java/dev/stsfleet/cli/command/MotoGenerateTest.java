package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Interoperability with moto's STS server: a server we did not write parses our calls and answers. */
class MotoGenerateTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @Test
    void generateAll_bothFormat_fiftyRolesInTenAccounts_eachPassesGetCallerIdentityOnMoto(@TempDir Path dir)
            throws Exception {
        StringBuilder config = new StringBuilder("[profile src]\nregion = us-east-1\n"
                + "mfa_serial = arn:aws:iam::123456789012:mfa/bob\n\n");
        Map<String, String> roleOf = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            String account = String.format("%012d", 100000000000L + (i % 10) * 7L);
            String role = "Fleet" + i;
            roleOf.put("p" + i, role);
            config.append("[profile p").append(i).append("]\nrole_arn = arn:aws:iam::").append(account)
                    .append(":role/").append(role).append("\nsource_profile = src\n")
                    .append("mfa_serial = arn:aws:iam::123456789012:mfa/bob\n\n");
        }
        Files.writeString(dir.resolve("config"), config.toString());
        Files.writeString(dir.resolve("credentials"),
                "[src]\naws_access_key_id = AKIAMOTOINTEROP00001\naws_secret_access_key = motoSecretKeyForInteropTests/000000000001\n");
        Map<String, String> env = Map.of("AWS_CONFIG_FILE", dir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString(), "HOME", dir.toString());

        // moto checks no MFA code, but the flow is the real one: one GetSessionToken, then AssumeRole with it.
        Cli.Result r = Cli.run(env, "generate", "--all", "--mfa-code", "123456",
                "--endpoint-url", MOTO.endpoint().toString(), "--format", "boto");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode boto = new ObjectMapper().readTree(r.out());
        assertThat(boto.size()).isEqualTo(50);
        Set<String> accounts = new HashSet<>();
        for (Map.Entry<String, String> e : roleOf.entrySet()) {
            String arn = GenerateCommandTest.callerArn(MOTO.endpoint(), boto.get("sts-" + e.getKey()));
            assertThat(arn).as(e.getKey()).contains(":assumed-role/" + e.getValue() + "/");
            accounts.add(arn.split(":")[4]);
        }
        assertThat(accounts).hasSize(10);
    }
}
