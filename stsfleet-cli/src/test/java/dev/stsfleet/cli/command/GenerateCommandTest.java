package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** {@code stsfleet generate}, run in-process against the strict sandbox. */
class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    private Fleets start(int trusted, int locked, boolean mfa) throws Exception {
        Fleets fleet = Fleets.create(dir, trusted, locked, 3, mfa);
        sandbox = sts.start(fleet.model());
        return fleet;
    }

    @Test
    void generate_withOneMfaCode_assumesEveryRole_andEachCredentialNamesItsRole() throws Exception {
        Fleets fleet = start(24, 0, true);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()),
                "generate", "--all", "--mfa-code", sandbox.totp(Fleets.MFA), "--format", "boto");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(24);
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(24);
        JsonNode boto = JSON.readTree(r.out());
        assertThat(boto.size()).isEqualTo(24);
        for (String profile : fleet.profiles()) {
            JsonNode c = boto.get("sts-" + profile);
            assertThat(c).as(profile).isNotNull();
            List<String> fields = new ArrayList<>();
            c.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("AccessKeyId", "SecretAccessKey", "SessionToken", "StartTime", "Expiration");
            assertThat(c.get("AccessKeyId").asText()).startsWith("ASIA");
            assertThat(Instant.parse(c.get("Expiration").asText())).isAfter(Instant.now());
            String arn = callerArn(sandbox.endpoint(), c);
            assertThat(arn).matches("arn:aws:sts::\\d{12}:assumed-role/Ops" + profile.substring(3) + "/alice-[0-9a-f]{8}");
        }
        assertThat(r.err()).contains("24 of 24 profiles succeeded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aimd", "adaptive", "off"})
    void generate_withEachThrottleControl_aboveTheRateLimit_getsEveryRole(String control) throws Exception {
        Fleets fleet = Fleets.create(dir, 12, 0, 3, false);
        sandbox = sts.start(b -> b.model(fleet.model()).throttleRps(5));

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()),
                "generate", "--all", "--format", "json", "--concurrency", "8", "--throttle-control", control);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).get("credentials").size()).isEqualTo(12);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(12);
        // 8 workers start together against a bucket of 5: the limit certainly bit.
        assertThat(sandbox.stats().errors("AssumeRole")).containsKey("Throttling");
    }

    @Test
    void generate_someRolesDoNotTrustTheUser_theRestSucceed_exit1_andEachFailureIsNamed() throws Exception {
        Fleets fleet = start(5, 2, true);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()),
                "generate", "--all", "--mfa-code", sandbox.totp(Fleets.MFA), "--format", "json");

        assertThat(r.exit()).isEqualTo(1);
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("credentials").size()).isEqualTo(5);
        assertThat(doc.get("failures").size()).isEqualTo(2);
        assertThat(doc.at("/failures/sts-locked5/code").asText()).isEqualTo("AccessDenied");
        assertThat(doc.at("/failures/sts-locked6/message").asText()).contains("is not authorized to perform: sts:AssumeRole");
        assertThat(doc.at("/summary/requested").asInt()).isEqualTo(7);
        assertThat(doc.at("/summary/succeeded").asInt()).isEqualTo(5);
        assertThat(doc.at("/summary/failed").asInt()).isEqualTo(2);
        assertThat(doc.at("/summary/seconds").isNumber()).isTrue();
        assertThat(r.err()).contains("profile locked5 failed: AccessDenied", "profile locked6 failed: AccessDenied",
                "5 of 7 profiles succeeded, 2 failed");
    }

    @Test
    void generate_namedProfiles_withoutMfa_useLongTermKeys_andTableShowsNoSecret() throws Exception {
        Fleets fleet = start(3, 0, false);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()),
                "generate", "ops0", "ops2", "--format", "table");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2);
        assertThat(r.out()).contains("PROFILE", "ops0", "ops2", "Ops0", "Ops2", " ok").doesNotContain("ops1");
        assertThat(r.out()).doesNotContain("ASIA").doesNotContain(Fleets.SECRET);
    }

    @Test
    void generate_fileOption_selectsTheRoleProfilesOfThatFile() throws Exception {
        Fleets fleet = start(4, 0, false);
        Path file = dir.resolve("team.ini");
        java.nio.file.Files.writeString(file, "[profile team-a]\nrole_arn = " + fleet.model().roles().get(1).arn()
                + "\nsource_profile = alice\n\n[profile team-b]\nrole_arn = " + fleet.model().roles().get(3).arn()
                + "\nsource_profile = alice\n");

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()),
                "generate", "--file", file.toString(), "--format", "boto");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode boto = JSON.readTree(r.out());
        List<String> keys = new ArrayList<>();
        boto.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("sts-team-a", "sts-team-b");
    }

    @Test
    void generate_mfaRolesWithoutCodeAndWithoutTerminal_failsWithOneLine_andMakesNoCall() throws Exception {
        Fleets fleet = start(2, 0, true);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "generate", "--all");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("stsfleet: error: an MFA code is needed for " + Fleets.MFA)
                .contains("--mfa-code");
        assertThat(totalCalls()).isZero();
    }

    private long totalCalls() {
        return sandbox.stats().total("GetSessionToken") + sandbox.stats().total("AssumeRole")
                + sandbox.stats().total("GetCallerIdentity");
    }

    static String callerArn(URI endpoint, JsonNode boto) {
        try (StsClient sts = StsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        boto.get("AccessKeyId").asText(), boto.get("SecretAccessKey").asText(),
                        boto.get("SessionToken").asText())))
                .build()) {
            GetCallerIdentityResponse id = sts.getCallerIdentity();
            return id.arn();
        }
    }

    static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    static Map<String, String> envWith(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(env);
        copy.put(key, value);
        return copy;
    }
}
