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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
 * The memo that answers {@code credential-process} before the command line is built: it must say exactly
 * what the full command would, and nothing once anything the answer came from has changed.
 */
class FastPathTest {
    private static final List<String> ARGS = List.of("credential-process", "ops0");

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;
    private TestClock clock;
    private Map<String, String> env;
    private final Path cwd = Path.of("").toAbsolutePath();

    @BeforeEach
    void start() throws Exception {
        fleet = Fleets.create(dir, 2, 0, 1, false);
        clock = new TestClock();
        sandbox = sts.start(b -> b.model(fleet.model()).clock(clock));
        env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_SECRET_ACCESS_KEY", "envSecretThatMustNotBeStored+0001");
    }

    private Cli.Result fullRun(List<String> args) {
        Cli.Result r = Cli.run(env, clock, args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private String fast(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return FastPath.answer(args, env, cwd, clock, out) ? out.toString(StandardCharsets.UTF_8) : null;
    }

    private Path memoDirectory() {
        return dir.resolve(".stsfleet").resolve(FastPath.SUBDIRECTORY);
    }

    private List<Path> memos() throws Exception {
        if (!Files.isDirectory(memoDirectory())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(memoDirectory())) {
            return files.filter(f -> f.toString().endsWith(".memo")).toList();
        }
    }

    @Test
    void afterAFullRun_theMemoAnswersTheSameBytes_withoutAnStsCall_andIsPrivate() throws Exception {
        String printed = fullRun(ARGS).out();

        assertThat(fast(ARGS)).isEqualTo(printed);
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
        assertThat(memos()).hasSize(1);
        assertThat(mode(memoDirectory())).isEqualTo("rwx------");
        assertThat(mode(memos().get(0))).isEqualTo("rw-------");
        String memo = Files.readString(memos().get(0));
        assertThat(memo).doesNotContain("envSecretThatMustNotBeStored").contains("AWS_SECRET_ACCESS_KEY\t(set)");
    }

    @Test
    void aChangedProfileFile_orCredentialsFile_isNotAnsweredFromTheMemo() throws Exception {
        fullRun(ARGS);
        Files.writeString(fleet.config(), Files.readString(fleet.config()) + "# edited\n");
        assertThat(fast(ARGS)).isNull();

        fullRun(ARGS); // the full command answers and remembers again
        assertThat(fast(ARGS)).isNotNull();
        Files.writeString(fleet.credentials(), Files.readString(fleet.credentials()) + "\n");
        assertThat(fast(ARGS)).isNull();
    }

    @Test
    void otherArguments_environment_orProfile_areNotAnsweredFromTheMemo() throws Exception {
        fullRun(ARGS);
        assertThat(fast(List.of("credential-process", "ops1"))).isNull();
        assertThat(fast(List.of("--region", "eu-west-1", "credential-process", "ops0"))).isNull();
        env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1");
        assertThat(fast(ARGS)).isNull();
    }

    @Test
    void within15MinutesOfExpiry_theFullCommandRuns() throws Exception {
        fullRun(ARGS); // a one-hour session
        clock.advance(Duration.ofMinutes(44));
        assertThat(fast(ARGS)).isNotNull();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(fast(ARGS)).isNull();
    }

    @Test
    void aRemovedCacheEntry_isNotAnsweredFromTheMemo() throws Exception {
        fullRun(ARGS);
        try (Stream<Path> files = Files.list(dir.resolve(".stsfleet/cache/credentials"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Files.delete(f);
            }
        }
        assertThat(fast(ARGS)).isNull();
    }

    @Test
    void noCache_debug_orAnMfaCode_neitherWriteNorUseAMemo() throws Exception {
        fullRun(List.of("credential-process", "ops0", "--no-cache"));
        fullRun(List.of("--debug", "credential-process", "ops0"));
        assertThat(memos()).isEmpty();

        fullRun(ARGS);
        assertThat(fast(List.of("credential-process", "ops0", "--no-cache"))).isNull();
        assertThat(fast(List.of("credential-process", "ops0", "--mfa-code=123456"))).isNull();
        assertThat(FastPath.eligible(List.of("profiles"))).isFalse();
    }

    @Test
    void aMemoOthersCouldRead_orATamperedOne_isIgnored() throws Exception {
        fullRun(ARGS);
        Path memo = memos().get(0);
        Files.setPosixFilePermissions(memo, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(fast(ARGS)).isNull();

        Files.setPosixFilePermissions(memo, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(memo, Files.readString(memo).replace("\nuntil\t", "\nuntl\t"));
        assertThat(fast(ARGS)).isNull();
    }

    @Test
    void realProcesses_secondCallIsAnsweredFromTheMemo_withTheSameOutput() throws Exception {
        sandbox.close();
        sandbox = sts.start(fleet.model()); // the real clock, as processes use
        env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        List<String> outputs = new ArrayList<>();
        Object memoAfterFirstRun = null;
        for (int i = 0; i < 3; i++) {
            List<String> command = Processes.stsfleet();
            command.addAll(ARGS);
            Process p = Processes.builder(env, command)
                    .redirectOutput(dir.resolve("out-" + i).toFile())
                    .redirectError(dir.resolve("err-" + i).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("err-" + i))).isZero();
            outputs.add(Files.readString(dir.resolve("out-" + i)));
            if (i == 0) {
                memoAfterFirstRun = Files.readAttributes(memos().get(0), BasicFileAttributes.class).fileKey();
            }
        }
        // The full command replaces the memo (a new file) on every run: the same file means the memo answered.
        assertThat(Files.readAttributes(memos().get(0), BasicFileAttributes.class).fileKey())
                .isEqualTo(memoAfterFirstRun);
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0)).startsWith("{\"Version\":1,");
        assertThat(outputs.get(2)).isEqualTo(outputs.get(0));
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
        assertThat(memos()).hasSize(1);
    }

    @Test
    void version_isAnsweredBeforeTheCommandLine_withWhatPicocliWouldPrint() throws Exception {
        List<String> command = Processes.stsfleet();
        command.add("--version");
        Process p = Processes.builder(env, command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
        // The first line as picocli prints it; the second names the runtime (the child runs Processes.JAVA).
        String[] lines = out.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo(Cli.run(env, "--version").out().split("\n")[0]).startsWith("stsfleet ");
        assertThat(lines[1]).startsWith("Java ").endsWith(" at " + Processes.JAVA.getParent().getParent());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
