package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code env}, {@code exec}, {@code write} and {@code credential-process} share one role-credential cache: a
 * cached answer makes no STS call and says exactly what the cold one did; anything that changes the answer misses.
 */
class CachedSingleRoleTest {
    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;
    private TestClock clock;
    private Map<String, String> env;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private void start(boolean realClock) throws Exception {
        fleet = Fleets.create(dir, 2, 0, 1, false);
        clock = realClock ? null : new TestClock();
        sandbox = sts.start(b -> {
            b.model(fleet.model());
            if (clock != null) {
                b.clock(clock);
            }
        });
        env = fleet.env(sandbox.endpoint().toString());
    }

    private Cli.Result run(String... args) {
        Cli.Result r = Cli.run(env, clock, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private long assumeRoles() {
        return sandbox.stats().total("AssumeRole");
    }

    /** The credential variables a child of {@code exec} saw. */
    private Map<String, String> execVariables(String... before) throws Exception {
        Path seen = Files.createTempFile(dir, "seen", ".env");
        List<String> args = new ArrayList<>(List.of(before));
        args.addAll(List.of("exec", "ops0", "--", "sh", "-c", "env > '" + seen + "'"));
        run(args.toArray(String[]::new));
        return awsVariables(seen);
    }

    private static Map<String, String> exported(String envOutput) {
        Map<String, String> vars = new TreeMap<>();
        for (String line : envOutput.split("\n")) {
            if (line.startsWith("export ")) {
                String[] kv = line.substring("export ".length()).split("=", 2);
                vars.put(kv[0], kv[1].replaceAll("^'|'$", ""));
            }
        }
        return vars;
    }

    @Test
    void cachedEnvAndExec_makeNoStsCall_andSetExactlyTheColdPathsVariables() throws Exception {
        start(false);
        Map<String, String> coldExec = execVariables("--quiet");
        assertThat(assumeRoles()).isEqualTo(1);
        String coldEnv = run("env", "ops0", "--no-cache").out();
        assertThat(assumeRoles()).isEqualTo(2);

        Map<String, String> cachedExec = execVariables("--quiet");
        String cachedEnv = run("env", "ops0").out();
        String cachedEnvAgain = run("env", "ops0").out();
        assertThat(assumeRoles()).isEqualTo(2);

        assertThat(cachedExec).isEqualTo(coldExec).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION");
        assertThat(exported(cachedEnv)).isEqualTo(cachedExec);
        assertThat(cachedEnvAgain).isEqualTo(cachedEnv);
        // The same lines as the cold path, other credentials aside.
        assertThat(cachedEnv.replaceAll("='[^']*'", "=''")).isEqualTo(coldEnv.replaceAll("='[^']*'", "=''"));
        // credential-process answers from the same entry.
        run("credential-process", "ops0");
        assertThat(assumeRoles()).isEqualTo(2);
    }

    @Test
    void refreshAndNoCache_bypassTheCache_refreshStoresTheNewSet() throws Exception {
        start(false);
        String first = run("env", "ops0").out();
        String refreshed = run("env", "ops0", "--refresh").out();
        assertThat(assumeRoles()).isEqualTo(2);
        assertThat(refreshed).isNotEqualTo(first);
        assertThat(run("env", "ops0").out()).isEqualTo(refreshed);
        run("env", "ops0", "--no-cache");
        assertThat(assumeRoles()).isEqualTo(3);
        assertThat(run("env", "ops0").out()).isEqualTo(refreshed);
    }

    @Test
    void aChangedRoleArn_externalId_orDuration_misses_anUnrelatedEditDoesNot() throws Exception {
        fleet = Fleets.create(dir, 2, 0, 1, false);
        SandboxModel model = SandboxModel.builder()
                .user(new SandboxModel.User(Fleets.USER_ARN, Fleets.ACCESS_KEY, Fleets.SECRET, Fleets.MFA, Fleets.TOTP_SEED))
                .role(new SandboxModel.Role("arn:aws:iam::200000000000:role/Ops0", List.of("arn:aws:iam::111111111111:root"), false, null, 3600))
                .role(new SandboxModel.Role("arn:aws:iam::200000000000:role/Ops1", List.of("arn:aws:iam::111111111111:root"), false, null, 3600))
                .role(new SandboxModel.Role("arn:aws:iam::200000000000:role/Ext", List.of("arn:aws:iam::111111111111:root"), false, "ext-1234", 3600))
                .build();
        clock = new TestClock();
        sandbox = sts.start(b -> b.model(model).clock(clock));
        env = fleet.env(sandbox.endpoint().toString());
        String config = Files.readString(fleet.config());

        String ops0 = run("env", "ops0").out();
        assertThat(assumeRoles()).isEqualTo(1);
        // write adds a section to the credentials file: not part of ops0's chain, still a hit.
        run("write", "ops1");
        assertThat(run("env", "ops0").out()).isEqualTo(ops0);
        assertThat(assumeRoles()).isEqualTo(2);

        Files.writeString(fleet.config(), config.replace("role/Ops0\n", "role/Ops1\n"));
        assertThat(run("env", "ops0").out()).isNotEqualTo(ops0);
        assertThat(assumeRoles()).isEqualTo(3);

        Files.writeString(fleet.config(), config.replace("role/Ops0\n", "role/Ext\nexternal_id = ext-1234\n"));
        String ext = run("env", "ops0").out();
        assertThat(assumeRoles()).isEqualTo(4);
        Files.writeString(fleet.config(), config.replace("role/Ops0\n", "role/Ext\nexternal_id = ext-5678\n"));
        Cli.Result wrongId = Cli.run(env, clock, "env", "ops0");
        assertThat(wrongId.exit()).as(wrongId.toString()).isEqualTo(1); // asked STS, which refused: not served from the cache
        assertThat(wrongId.out()).doesNotContain(exported(ext).get("AWS_ACCESS_KEY_ID"));
        assertThat(assumeRoles()).isEqualTo(5);

        Files.writeString(fleet.config(), config.replace("role/Ops0\n", "role/Ops0\nduration_seconds = 1800\n"));
        run("env", "ops0");
        assertThat(assumeRoles()).isEqualTo(6);
        Files.writeString(fleet.config(), config.replace("[profile alice]\n", "[profile alice]\n# a comment\n"));
        assertThat(run("env", "ops0").out()).isEqualTo(ops0); // the original entry, still fresh
        assertThat(assumeRoles()).isEqualTo(6);
    }

    @Test
    void anExpiredOrNearlyExpiredEntry_misses() throws Exception {
        start(false);
        String first = run("env", "ops0").out(); // one hour
        clock.advance(Duration.ofMinutes(44));
        assertThat(run("env", "ops0").out()).isEqualTo(first);
        assertThat(assumeRoles()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // less than 15 minutes left
        String renewed = run("env", "ops0").out();
        assertThat(renewed).isNotEqualTo(first);
        assertThat(assumeRoles()).isEqualTo(2);
        clock.advance(Duration.ofHours(2)); // expired
        run("exec", "ops0", "--", "true");
        assertThat(assumeRoles()).isEqualTo(3);
    }

    @Test
    void realProcesses_cachedEnvAndExec_answerFromTheMemo_withoutAnStsCall() throws Exception {
        start(true);
        List<String> envCommand = Processes.stsfleet();
        envCommand.addAll(List.of("env", "ops0"));
        Processes.Run cold = Processes.run(dir, env, envCommand);
        assertThat(cold.exit()).as(cold.toString()).isZero();
        Processes.Run warm = Processes.run(dir, env, envCommand);
        assertThat(warm.exit()).as(warm.toString()).isZero();
        assertThat(warm.out()).isEqualTo(cold.out());

        Path seen = dir.resolve("seen");
        List<String> exec = Processes.stsfleet();
        exec.addAll(List.of("exec", "ops0", "--", "sh", "-c", "env > '" + seen + "'; exit 3"));
        for (int i = 0; i < 3; i++) {
            Processes.Run r = Processes.run(dir, env, exec);
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(exported(cold.out())).isEqualTo(awsVariables(seen));
        }
        Processes.Run missing = Processes.run(dir, env, List.of(exec.get(0), exec.get(1), exec.get(2), exec.get(3),
                exec.get(4), exec.get(5), "exec", "ops0", "--", "no-such-command-here"));
        assertThat(missing.exit()).isEqualTo(127);
        assertThat(missing.err()).contains("command not found: no-such-command-here");
        assertThat(assumeRoles()).isEqualTo(1);
        try (Stream<Path> memos = Files.list(dir.resolve(".stsfleet/cache/answers"))) {
            assertThat(memos.count()).isEqualTo(2); // env ops0; exec ops0 (whatever the child)
        }
    }

    /** The AWS_* variables of an {@code env} dump, without the test's own (files, endpoint). */
    private static Map<String, String> awsVariables(Path envDump) throws Exception {
        Map<String, String> vars = new TreeMap<>();
        for (String line : Files.readAllLines(envDump)) {
            int eq = line.indexOf('=');
            if (line.startsWith("AWS_") && eq > 0 && !line.startsWith("AWS_CONFIG_FILE")
                    && !line.startsWith("AWS_SHARED_CREDENTIALS_FILE") && !line.startsWith("AWS_ENDPOINT_URL")) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    @Test
    void aWorldReadableOrForeignCacheEntry_isIgnored_withADebugLine() throws Exception {
        start(true);
        List<String> command = Processes.stsfleet();
        command.addAll(List.of("--debug", "env", "ops0"));
        assertThat(Processes.run(dir, env, command).exit()).isZero();
        Path entry;
        try (Stream<Path> files = Files.list(dir.resolve(".stsfleet/cache/credentials"))) {
            entry = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-r--r--"));
        Processes.Run r = Processes.run(dir, env, command);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("DEBUG").contains("ignoring entry").contains("0644");
        assertThat(assumeRoles()).isEqualTo(2);

        assumeThat(System.getProperty("user.name")).as("chown needs root").isEqualTo("root");
        Files.setAttribute(entry, "unix:uid", 65534); // the entry the last run stored, mode 0600, now another user's
        Processes.Run foreign = Processes.run(dir, env, command);
        assertThat(foreign.exit()).as(foreign.toString()).isZero();
        assertThat(foreign.err()).contains("DEBUG").contains("ignoring entry").contains("belongs to");
        assertThat(assumeRoles()).isEqualTo(3);
    }
}
