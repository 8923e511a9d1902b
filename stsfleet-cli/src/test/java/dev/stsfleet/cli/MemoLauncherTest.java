package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's memo reader ({@code bin/memo.bash}) against memos the full command wrote: the same answer as
 * the full command and as {@link FastPath}, with no STS call and no JVM; nothing once anything it came from
 * changed. Runs the real script in bash, with the environment and working directory the command had.
 */
class MemoLauncherTest {
    private static final Path READER = Path.of("..", "bin", "memo.bash").toAbsolutePath().normalize();
    private static final Path LAUNCHER = Path.of("..", "bin", "stsfleet").toAbsolutePath().normalize();
    private static final int MISS = 3;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;
    private TestClock clock;
    private Map<String, String> env;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        assertThat(READER).isRegularFile();
        fleet = Fleets.create(dir, 2, 0, 1, false);
        clock = new TestClock(); // now: the launcher reads the real clock
        sandbox = sts.start(b -> b.model(fleet.model()).clock(clock));
        env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_SESSION_TOKEN", "anotherIdentitysTokenThatMustNotReachTheChild");
        env.put("AWS_SECRET_ACCESS_KEY", "anotherIdentitysSecretThatNoMemoHolds+0001");
    }

    private Cli.Result fullRun(String... args) {
        Cli.Result r = Cli.run(env, clock, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** {@code answer_from_memo ARGS}, exit {@link #MISS} when it does not answer. */
    private Run reader(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                ". \"$0\" && answer_from_memo \"$@\" || exit " + MISS, READER.toString()));
        command.addAll(List.of(args));
        return run(Processes.builder(env, command));
    }

    private Run run(ProcessBuilder pb) throws Exception {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        drain.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        drain.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private Path memo(String name) {
        return dir.resolve(".stsfleet").resolve(FastPath.SUBDIRECTORY).resolve(name);
    }

    @Test
    void credentialProcess_andEnv_areAnsweredWithTheFullCommandsBytes_withoutAnStsCall() throws Exception {
        String process = fullRun("credential-process", "ops0").out();
        String exports = fullRun("--region", "eu-west-1", "env", "--shell", "fish", "ops1").out();
        long calls = sandbox.stats().total("AssumeRole");

        assertThat(reader("credential-process", "ops0")).isEqualTo(new Run(0, process, ""));
        assertThat(reader("--region", "eu-west-1", "env", "--shell", "fish", "ops1")).isEqualTo(new Run(0, exports, ""));
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(calls);
        assertThat(memo("credential-process ops0.memo")).isRegularFile();
        assertThat(exports).contains("set -gx AWS_ACCESS_KEY_ID");
    }

    @Test
    void anArgumentOutsideTheNameCharacters_isEncoded_andCacheDirIsHonoured() throws Exception {
        Path other = dir.resolve("other state");
        String printed = fullRun("credential-process", "--cache-dir", other.toString(), "ops0").out();

        assertThat(reader("credential-process", "--cache-dir", other.toString(), "ops0").out()).isEqualTo(printed);
        try (Stream<Path> memos = Files.list(other.resolve(FastPath.SUBDIRECTORY))) {
            assertThat(memos.map(p -> p.getFileName().toString()).toList()).containsExactly(
                    "credential-process --cache-dir " + other.toString().replace("/", "%2F").replace(" ", "%20")
                            + " ops0.memo");
        }
    }

    @Test
    void exec_runsTheChild_withTheVariablesTheFullCommandGaveIt_andNoOtherIdentitys() throws Exception {
        Path byJava = dir.resolve("java.env");
        Path byBash = dir.resolve("bash.env");
        fullRun("exec", "ops0", "--", "sh", "-c", "env > \"$0\"", byJava.toString());
        Run r = reader("exec", "ops0", "--", "sh", "-c", "env > \"$0\"; exit 7", byBash.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(7);
        assertThat(awsVariables(byBash)).isEqualTo(awsVariables(byJava))
                .anyMatch(line -> line.startsWith("AWS_ACCESS_KEY_ID="))
                .noneMatch(line -> line.startsWith("AWS_SESSION_TOKEN=anotherIdentitys"));
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
    }

    private static List<String> awsVariables(Path envDump) throws Exception {
        return Files.readAllLines(envDump).stream().filter(l -> l.startsWith("AWS_")).sorted().toList();
    }

    @Test
    void aFileChangedInPlace_aMemoOthersCanRead_otherVariables_orAnotherUse_areNotAnswered() throws Exception {
        fullRun("credential-process", "ops0");
        fullRun("env", "ops0");
        assertThat(reader("credential-process", "ops0").exit()).isZero();

        env.put("AWS_REGION", "eu-west-1");
        assertThat(reader("credential-process", "ops0").exit()).isEqualTo(MISS);
        env.remove("AWS_REGION");
        assertThat(reader("env", "ops0", "--", "true").exit()).as("a printed answer is not an exec").isEqualTo(MISS);
        assertThat(reader("credential-process", "ops1").exit()).isEqualTo(MISS);

        Path memo = memo("credential-process ops0.memo");
        Files.setPosixFilePermissions(memo, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(reader("credential-process", "ops0").exit()).isEqualTo(MISS);
        Files.setPosixFilePermissions(memo, PosixFilePermissions.fromString("rw-------"));
        assertThat(reader("credential-process", "ops0").exit()).isZero();

        // Same size, same name: only the content tells.
        String config = Files.readString(fleet.config());
        Files.writeString(fleet.config(), config.replace("us-east-1", "us-east-2"));
        assertThat(Files.size(fleet.config())).isEqualTo(config.length());
        assertThat(reader("credential-process", "ops0").exit()).isEqualTo(MISS);
        assertThat(reader("env", "ops0").exit()).isEqualTo(MISS);
    }

    @Test
    void within15MinutesOfExpiry_neitherReaderAnswers_whileEarlierBothDo() throws Exception {
        clock.set(Instant.now().minus(Duration.ofMinutes(46))); // a one-hour session, 14 minutes left in real time
        fullRun("credential-process", "ops0");

        assertThat(reader("credential-process", "ops0").exit()).isEqualTo(MISS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(FastPath.answer(List.of("credential-process", "ops0"), env, Path.of("").toAbsolutePath(),
                java.time.Clock.systemUTC(), out)).isFalse();
        assertThat(FastPath.answer(List.of("credential-process", "ops0"), env, Path.of("").toAbsolutePath(),
                clock, out)).as("the same memo, 46 minutes earlier").isTrue();
    }

    @Test
    void aFileTheMemoWasMadeFrom_removed_isAQuietMiss_forBothReaders() throws Exception {
        fullRun("credential-process", "ops0");
        assertThat(reader("credential-process", "ops0").exit()).isZero();
        // The cache entry goes (status --prune, by hand; an Identity Center token at sso logout).
        try (var entries = Files.list(dir.resolve(".stsfleet/cache/credentials"))) {
            for (Path entry : entries.toList()) {
                Files.delete(entry);
            }
        }
        Run r = reader("credential-process", "ops0");
        assertThat(r.exit()).isEqualTo(MISS);
        assertThat(r.err()).as("nothing on stderr: a miss only costs time").isEmpty();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(FastPath.answer(List.of("credential-process", "ops0"), env, Path.of("").toAbsolutePath(), clock,
                out)).isFalse();
        assertThat(out.size()).isZero();
    }

    @Test
    void exec_ofACommandThatIsNotThere_isLeftToTheFullCommand() throws Exception {
        fullRun("exec", "ops0", "--", "true");
        assertThat(reader("exec", "ops0", "--", "no-such-command-stsfleet").exit()).isEqualTo(MISS);
        assertThat(reader("exec", "ops0", "--", "true").exit()).isZero();
    }

    @Test
    void theLauncher_answersFromTheMemo_withNoJavaOrMavenToRun() throws Exception {
        String printed = fullRun("credential-process", "ops0").out();
        Path bin = Files.createDirectories(dir.resolve("only-bash"));
        for (String tool : List.of("bash", "stat", "cksum")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        ProcessBuilder pb = Processes.builder(env, List.of(LAUNCHER.toString(), "credential-process", "ops0"));
        pb.environment().put("PATH", bin.toString());
        assertThat(run(pb)).isEqualTo(new Run(0, printed, ""));
    }

    private static String which(String tool) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "type -P " + tool).start();
        String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).isZero();
        return path;
    }
}
