package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.sts.StsGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * A {@code credential_process} profile as the source of role profiles, through the SDK's ProcessCredentialsProvider:
 * its program runs once for a bulk run and again only when its credentials near their expiry.
 */
class CredentialProcessRootTest {
    static final String KEY = "AKIAPROCESSUSER00001";
    static final String SECRET = "processUserSecretKey/doNotUseInAws+0001";
    static final String TARGET = "arn:aws:iam::222222222222:role/Target";
    static final String OTHER = "arn:aws:iam::333333333333:role/Other";

    final TestClock clock = new TestClock();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().clock(clock).model(SandboxModel.builder()
            .user(new SandboxModel.User("arn:aws:iam::111111111111:user/vault", KEY, SECRET, null, null))
            .role(new SandboxModel.Role(TARGET, List.of("111111111111"), false, null, 3600))
            .role(new SandboxModel.Role(OTHER, List.of("111111111111"), false, null, 3600))
            .build()).build();

    @TempDir
    Path dir;

    @Test
    void theProcessRunsOncePerRun_andAgainOnlyWhenItsCredentialsNearTheirExpiry(StsSandbox sandbox) throws Exception {
        SessionToken session;
        try (StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).clock(clock).build()) {
            session = gateway.getSessionToken(AwsBasicCredentials.create(KEY, SECRET), "vault", Duration.ofMinutes(15),
                    null, null);
        }
        TemporaryCredentials c = session.credentials();
        Path runs = dir.resolve("runs");
        Path script = dir.resolve("creds.sh");
        Files.writeString(script, "#!/bin/sh\necho run >> '" + runs + "'\ncat <<'EOF'\n{\"Version\": 1, \"AccessKeyId\": \""
                + c.accessKeyId() + "\", \"SecretAccessKey\": \"" + c.secretAccessKey() + "\", \"SessionToken\": \""
                + c.sessionToken() + "\", \"Expiration\": \"" + TemporaryCredentials.isoUtc(c.expiration()) + "\"}\nEOF\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("config"), "[profile vault]\ncredential_process = " + script + "\n\n"
                + "[profile target]\nrole_arn = " + TARGET + "\nsource_profile = vault\nduration_seconds = 7200\n\n"
                + "[profile other]\nrole_arn = " + OTHER + "\nsource_profile = vault\n");
        Files.writeString(dir.resolve("credentials"), "");

        try (StsFleet fleet = StsFleet.builder().configFile(dir.resolve("config")).credentialsFile(dir.resolve("credentials"))
                .endpoint(sandbox.endpoint()).clock(clock).environment(Map.of("HOME", dir.toString())).build()) {
            FleetResult first = fleet.generateCredentials(List.of("target", "other"));
            assertThat(first.allSucceeded()).as(first.toString()).isTrue();
            assertThat(Files.readAllLines(runs)).hasSize(1);
            // Temporary credentials from the process: AWS treats the role as chained and caps it at one hour.
            assertThat(first.credentials().get("sts-target").credentials().expiration())
                    .isEqualTo(clock.instant().plusSeconds(3600));

            clock.advance(Duration.ofMinutes(5));
            assertThat(fleet.generateCredentials(List.of("target")).allSucceeded()).isTrue();
            assertThat(Files.readAllLines(runs)).hasSize(1);

            clock.advance(Duration.ofMinutes(7)); // 3 minutes left: under a quarter of its 15
            assertThat(fleet.generateCredentials(List.of("target")).allSucceeded()).isTrue();
            assertThat(Files.readAllLines(runs)).hasSize(2);
        }
    }
}
