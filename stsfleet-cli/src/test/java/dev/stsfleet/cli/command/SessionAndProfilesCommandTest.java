package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code session-token}, {@code profiles} and {@code demo}, run in-process. */
class SessionAndProfilesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    @Test
    void sessionToken_withMfaCodeAndLifetime_printsTheStsFields_withTheAskedLifetime() throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 2, true);
        sandbox = sts.start(fleet.model());
        Instant before = Instant.now();

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()),
                "session-token", "--mfa-code", sandbox.totp(Fleets.MFA), "--lifetime", "5h");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode token = JSON.readTree(r.out());
        assertThat(GenerateCommandTest.keys(token))
                .containsExactly("AccessKeyId", "SecretAccessKey", "SessionToken", "StartTime", "Expiration");
        assertThat(token.get("AccessKeyId").asText()).startsWith("ASIA");
        Instant expiry = Instant.parse(token.get("Expiration").asText());
        assertThat(Duration.between(before, expiry)).isBetween(Duration.ofHours(5).minusMinutes(1),
                Duration.ofHours(5).plusMinutes(1));
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(1);
        assertThat(r.err()).contains("with MFA");
    }

    @Test
    void sessionToken_withoutProfileOrDefault_usesTheOneUsersKeys_notASectionOfTemporaryCredentials()
            throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, false);
        sandbox = sts.start(fleet.model());
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        assertThat(Cli.run(env, "write", "ops0").exit()).isZero(); // [sts-ops0]: keys and a session token

        Cli.Result r = Cli.run(env, "session-token");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(1);
        // A second user: no implicit choice; the message names the users' profiles, not the section.
        Files.writeString(fleet.credentials(), Files.readString(fleet.credentials())
                + "\n[bob]\naws_access_key_id = AKIABOBBOBBOBBOB0001\naws_secret_access_key = bob/secret\n");
        Cli.Result two = Cli.run(env, "session-token");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).contains("(profiles with long-term keys: " + Fleets.SOURCE + ", bob)")
                .doesNotContain("sts-ops0").hasLineCount(1);
        // The section itself is no user: a session of it, or env and exec of it, say so before any call.
        for (Cli.Result section : List.of(Cli.run(env, "session-token", "--profile", "sts-ops0"),
                Cli.run(env, "env", "sts-ops0"), Cli.run(env, "exec", "sts-ops0", "--", "true"))) {
            assertThat(section.exit()).as(section.toString()).isEqualTo(2);
            assertThat(section.err()).contains("profile sts-ops0 holds temporary credentials (aws_session_token)")
                    .hasLineCount(1);
        }
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
    }

    @Test
    void sessionToken_withoutCodeAndWithoutTerminal_failsWithOneClearLine() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, true);
        Files.writeString(fleet.config(), Files.readString(fleet.config())
                .replace("[profile alice]\n", "[profile alice]\nmfa_serial = " + Fleets.MFA + "\n"));
        sandbox = sts.start(fleet.model());

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "session-token");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("stsfleet: error: an MFA code is needed for " + Fleets.MFA
                + " and there is no terminal to ask on: pass --mfa-code CODE");
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
    }

    @Test
    void profiles_printsEveryRoleProfileAsJson_withoutAnyCall() throws Exception {
        Fleets fleet = Fleets.create(dir, 3, 0, 3, true);

        Cli.Result r = Cli.run(fleet.env("http://127.0.0.1:9"), "profiles");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(GenerateCommandTest.keys(doc)).containsExactly("ops0", "ops1", "ops2");
        assertThat(doc.at("/ops1/role_arn").asText()).isEqualTo(fleet.model().roles().get(1).arn());
        assertThat(doc.at("/ops1/source_profile").asText()).isEqualTo("alice");
        assertThat(doc.at("/ops1/mfa_serial").asText()).isEqualTo(Fleets.MFA);
        assertThat(doc.get("alice")).isNull();
    }

    @Test
    void profiles_fileOption_readsACredentialsStyleFile() throws Exception {
        Path file = dir.resolve("legacy-credentials");
        Files.writeString(file, "[william]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = x\n\n"
                + "[acme-dev]\nrole_arn = arn:aws:iam::236600111358:role/AcmeDEV\nmfa_serial = arn:aws:iam::378888116591:mfa/bill\n"
                + "source_profile = william\n");

        Cli.Result r = Cli.run(Map.of("HOME", dir.toString()), "profiles", "--file", file.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(GenerateCommandTest.keys(doc)).containsExactly("acme-dev");
        assertThat(doc.at("/acme-dev/role_arn").asText()).isEqualTo("arn:aws:iam::236600111358:role/AcmeDEV");
        assertThat(r.out()).doesNotContain("aws_secret_access_key", "AKIAEXAMPLE");
    }

    @Test
    void demo_runsTheMainJobOnTheEmbeddedSandbox_andVerifiesEveryRole() {
        Cli.Result r = Cli.run(Map.of("HOME", dir.toString()), "demo");

        assertThat(r.exit()).as(r.toString() + r.out()).isZero();
        assertThat(r.out()).contains("GetSessionToken 1, AssumeRole 3, GetCallerIdentity 3")
                .contains("demo: OK, one MFA code gave verified credentials for all 3 roles");
        assertThat(r.out()).doesNotContain("SecretAccessKey");
    }
}
