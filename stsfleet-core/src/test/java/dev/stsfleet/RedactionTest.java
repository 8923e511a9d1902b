package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** No secret in any toString, debug log line or exception message: searched for by value. */
class RedactionTest {
    private static final String LONG_TERM_SECRET = "LongTermSecretKeyValue0000000000000000001";
    private static final String MFA_CODE = "947261";

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @TempDir
    Path dir;

    private static final TemporaryCredentials CREDS = TemporaryCredentials.of("ASIAEXAMPLE00000WXYZ",
            "temporarySecretValue", "temporarySessionTokenValue", Instant.EPOCH, Instant.EPOCH.plusSeconds(3600));

    @Test
    void valueTypes_toString_showNoSecret() {
        RoleCredentials role = new RoleCredentials("p", "arn:aws:iam::123456789012:role/r",
                "arn:aws:sts::123456789012:assumed-role/r/s", CREDS);
        SessionToken token = new SessionToken(CREDS, "alice", "arn:aws:iam::123456789012:mfa/alice");
        FleetResult result = new FleetResult(Map.of("sts-p", new ProfileResult.Succeeded(role)), Duration.ZERO,
                OutputFormat.BOTO);
        for (Object value : List.of(CREDS, role, token, result, new ProfileResult.Succeeded(role))) {
            assertThat(value.toString()).doesNotContain("temporarySecretValue")
                    .doesNotContain("temporarySessionTokenValue")
                    .doesNotContain("ASIAEXAMPLE00000");
        }
        assertThat(CREDS.toString()).contains("****WXYZ");
    }

    @Test
    void debugLogsAndMessages_ofAWholeRun_containNoSecret() throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, "[profile alice]\naws_access_key_id = AKIALONGTERM00000001\n"
                + "aws_secret_access_key = " + LONG_TERM_SECRET + "\n"
                + "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
                + "[profile r1]\nrole_arn = arn:aws:iam::111111111111:role/r1\nsource_profile = alice\n"
                + "external_id = SecretExternalId42\n"
                + "[profile r2]\nrole_arn = arn:aws:iam::222222222222:role/r2\nsource_profile = alice\n"
                + "duration_seconds = 7200\n");
        Files.writeString(dir.resolve("credentials"), "");
        List<String> secrets = new ArrayList<>(List.of(LONG_TERM_SECRET, MFA_CODE));
        List<String> messages = new ArrayList<>();

        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (StsFleet fleet = StsFleet.builder().configFile(config).credentialsFile(dir.resolve("credentials"))
                .endpoint(MOTO.endpoint()).environment(Map.of()).build()) {
            // Failures first (no session yet, no code): the missing code, and bad input.
            assertThatThrownBy(() -> fleet.generateCredentials(List.of("r1")))
                    .satisfies(e -> messages.add(e.getMessage()));
            assertThatThrownBy(() -> fleet.sessionToken(null, "94726"))
                    .satisfies(e -> messages.add(e.getMessage()));

            SessionToken token = fleet.sessionToken(Duration.ofHours(2), MFA_CODE);
            secrets.add(token.secretAccessKey());
            secrets.add(token.sessionToken());
            FleetResult result = fleet.generateCredentials(List.of("r1", "r2"));
            assertThat(result.failures()).isEmpty();
            result.credentials().values().forEach(c -> {
                secrets.add(c.credentials().secretAccessKey());
                secrets.add(c.credentials().sessionToken());
                fleet.callerIdentity(c.credentials());
            });
            messages.add(fleet.toString());
            messages.add(result.toString());
            messages.add(token.toString());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);

        assertThat(log).contains("profile r1: AssumeRole with the MFA session of profile alice")
                .contains("clamped to 3600");
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain(secret));
        }
        assertThat(log).doesNotContain("SecretExternalId42");
    }

    @Test
    void close_leavesNoThreadOfTheFleetAlive() throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, "[profile alice]\naws_access_key_id = AKIALONGTERM00000001\n"
                + "aws_secret_access_key = x\n"
                + "[profile r1]\nrole_arn = arn:aws:iam::111111111111:role/r1\nsource_profile = alice\n");
        try (StsFleet fleet = StsFleet.builder().configFile(config).credentialsFile(config)
                .endpoint(MOTO.endpoint()).environment(Map.of()).build()) {
            assertThat(fleet.generateCredentials(List.of("r1")).allSucceeded()).isTrue();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("stsfleet-") && t.isAlive());
    }
}
