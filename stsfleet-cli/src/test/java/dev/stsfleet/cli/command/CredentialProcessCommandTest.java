package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet credential-process}: under the real AWS CLI, its cache, its lock, its MFA rules. */
class CredentialProcessCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    private Fleets start(boolean mfa) throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 1, mfa);
        sandbox = sts.start(fleet.model());
        return fleet;
    }

    @Test
    void awsCli_withCredentialProcessProfile_succeeds_tenCallsCostOneAssumeRole_cacheIsPrivate() throws Exception {
        Fleets fleet = start(false);
        Path stsfleet = Processes.wrapper(dir);
        Files.writeString(fleet.config(), Files.readString(fleet.config())
                + "[profile via-stsfleet]\ncredential_process = " + stsfleet + " credential-process ops0\n");
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_DEFAULT_REGION", "us-east-1");

        for (int i = 0; i < 10; i++) {
            String arn = Processes.arnOf(Processes.aws(dir, env, "sts", "get-caller-identity", "--profile",
                    "via-stsfleet", "--output", "json"));
            assertThat(arn).contains(":assumed-role/Ops0/");
        }

        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
        assertThat(sandbox.stats().ok("GetCallerIdentity")).isEqualTo(10);
        Path cache = dir.resolve(".stsfleet/cache/credentials");
        assertThat(mode(dir.resolve(".stsfleet"))).isEqualTo("rwx------");
        assertThat(mode(cache)).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> entries = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertThat(entries).hasSize(1);
            assertThat(mode(entries.get(0))).isEqualTo("rw-------");
        }
    }

    @Test
    void output_isVersion1Json_andTheCacheAnswersWhileMoreThan15MinutesRemain() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, false);
        // A 1000 s role session: served from the cache for its first 100 s only. The clocks move by at
        // most two minutes, well inside the signature skew STS allows, whichever clock signs.
        Files.writeString(fleet.config(), Files.readString(fleet.config())
                .replace("[profile ops0]\n", "[profile ops0]\nduration_seconds = 1000\n"));
        TestClock clock = new TestClock();
        sandbox = sts.start(b -> b.model(fleet.model()).clock(clock));
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        Cli.Result first = Cli.run(env, clock, "credential-process", "ops0");
        clock.advance(Duration.ofSeconds(90));
        Cli.Result cached = Cli.run(env, clock, "credential-process", "ops0");

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.err()).isEmpty();
        JsonNode doc = JSON.readTree(first.out());
        List<String> fields = new ArrayList<>();
        doc.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration");
        assertThat(doc.get("Version").asInt()).isEqualTo(1);
        assertThat(first.out()).hasLineCount(1);
        assertThat(cached.out()).isEqualTo(first.out());
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);

        // 15 minutes or less left: assumed again.
        clock.advance(Duration.ofSeconds(20));
        Cli.Result renewed = Cli.run(env, clock, "credential-process", "ops0");
        assertThat(renewed.exit()).as(renewed.toString()).isZero();
        assertThat(renewed.out()).isNotEqualTo(first.out());
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(2);
    }

    @Test
    void twentySimultaneousProcesses_makeAtMostOneAssumeRole_withTheCachedMfaSession() throws Exception {
        Fleets fleet = start(true);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        env = new LinkedHashMap<>(env);
        Cli.Result session = Cli.run(env, "session-token", "--profile", "alice", "--mfa-code", sandbox.totp(Fleets.MFA));
        assertThat(session.exit()).as(session.toString()).isZero();

        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<String> command = Processes.stsfleet();
            command.addAll(List.of("credential-process", "ops1"));
            processes.add(Processes.builder(env, command)
                    .redirectOutput(dir.resolve("out-" + i).toFile())
                    .redirectError(dir.resolve("err-" + i).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start());
        }
        String expected = null;
        for (int i = 0; i < processes.size(); i++) {
            assertThat(processes.get(i).waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(processes.get(i).exitValue()).as(Files.readString(dir.resolve("err-" + i))).isZero();
            String out = Files.readString(dir.resolve("out-" + i));
            expected = expected == null ? out : expected;
            assertThat(out).isEqualTo(expected);
        }
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
    }

    @Test
    void mfaRole_withoutSessionOrTerminal_failsOnStderrOnly_namingTheCommandToRun() throws Exception {
        Fleets fleet = start(true);

        Processes.Run r = Processes.stsfleet(dir, fleet.env(sandbox.endpoint().toString()), "credential-process", "ops0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("stsfleet: error: an MFA code is needed for " + Fleets.MFA)
                .contains("stsfleet session-token --profile alice").hasLineCount(1);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void mfaRole_afterGenerate_needsNoCode() throws Exception {
        Fleets fleet = start(true);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        Cli.Result generate = Cli.run(env, "generate", "ops0", "--mfa-code", sandbox.totp(Fleets.MFA), "--format", "json");
        assertThat(generate.exit()).as(generate.toString()).isZero();

        Cli.Result r = Cli.run(env, "credential-process", "ops1");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).get("AccessKeyId").asText()).startsWith("ASIA");
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
    }

    @Test
    void anIamUsersProfile_givesItsCachedMfaSession_asEnvDoes() throws Exception {
        Fleets fleet = start(true);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        Cli.Result session = Cli.run(env, "session-token", "--profile", "alice", "--mfa-code", sandbox.totp(Fleets.MFA));
        assertThat(session.exit()).as(session.toString()).isZero();

        Cli.Result r = Cli.run(env, "credential-process", "alice");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("AccessKeyId").asText()).startsWith("ASIA");
        assertThat(doc.get("SessionToken").asText()).isNotEmpty();
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1); // the cached session, no second code
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void failures_goToStderrOnly_withoutSecrets() throws Exception {
        Fleets fleet = Fleets.create(dir, 0, 1, 1, false);
        sandbox = sts.start(fleet.model());
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        Cli.Result denied = Cli.run(env, "credential-process", "locked0");
        Cli.Result unknown = Cli.run(env, "credential-process", "nosuch");

        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.out()).isEmpty();
        assertThat(denied.err()).startsWith("stsfleet: error: AccessDenied: profile locked0:").hasLineCount(1)
                .doesNotContain(Fleets.SECRET);
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
