package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trust boundaries of issue 13 as an unprivileged user: the real command runs as {@code nobody} (uid 65534,
 * dropped to with {@code setpriv}: CI runs as root, whose cases the other tests cover). Every refusal comes
 * before any STS call or MFA prompt: the sandbox counts no call.
 */
class UnprivilegedUserTest {
    private static final int NOBODY = 65534;
    private static Path base;
    private static List<String> command;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().model(model()).build();

    private static dev.stsfleet.sandbox.SandboxModel model() {
        return Fleets.modelOf(1, 0, 1, true);
    }

    /** A copy of the test classpath that nobody can read (the originals sit under root's 0700 home). */
    @BeforeAll
    static void copyTheCommandWhereNobodyCanRunIt() throws Exception {
        assumeThat(new com.sun.security.auth.module.UnixSystem().getUid()).as("setpriv to nobody needs root").isZero();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/setpriv"))).as("setpriv (util-linux)").isTrue();
        base = Files.createTempDirectory(Path.of("/tmp"), "stsfleet-nobody-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectory(base.resolve("lib"));
        List<String> classpath = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = lib.resolve((n++) + "-" + from.getFileName());
            copy(from, to);
            classpath.add(to.toString());
        }
        try (Stream<Path> all = Files.walk(lib)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Processes.JAVA.toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", String.join(java.io.File.pathSeparator, classpath), Main.class.getName()));
    }

    @AfterAll
    static void removeTheCopy() throws IOException {
        if (base != null) {
            try (Stream<Path> all = Files.walk(base)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else {
            Files.copy(from, to);
        }
    }

    /** A home of nobody's with the fleet's AWS files in it. */
    private static Fleets home(String name) throws IOException {
        Path home = Files.createDirectory(base.resolve(name));
        Fleets fleet = Fleets.create(home, 1, 0, 1, true);
        chownTree(home, NOBODY);
        return fleet;
    }

    private static void chownTree(Path root, int uid) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private record Run(int exit, String err) {
    }

    private static Run asNobody(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(err, StandardCharsets.UTF_8));
    }

    private static Map<String, String> env(Fleets fleet, StsSandbox sandbox) {
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        return env;
    }

    private static long calls(StsSandbox sandbox) {
        return sandbox.stats().total("GetSessionToken") + sandbox.stats().total("AssumeRole");
    }

    @Test
    void aStateDirectoryOwnedByAnotherUser_isRefused_beforeAnyCall(StsSandbox sandbox) throws Exception {
        Fleets fleet = home("foreign-state");
        Path state = Files.createDirectory(base.resolve("roots-state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Map<String, String> env = env(fleet, sandbox);
        env.put("STSFLEET_HOME", state.toString());

        Run r = asNobody(env, "credential-process", "ops0", "--mfa-code", sandbox.totp(Fleets.MFA));

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("belongs to");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwxr-xr-x");
        assertThat(calls(sandbox)).isZero();
    }

    @Test
    void aPlantedSymlinkAtTheCacheDirectory_isNeitherFollowedNorChmodded(StsSandbox sandbox) throws Exception {
        Fleets fleet = home("planted");
        Path state = Files.createDirectory(base.resolve("planted-state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path victim = Files.createDirectory(base.resolve("planted-victim"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createSymbolicLink(state.resolve("cache"), victim);
        chownTree(state, NOBODY);
        chownTree(victim, NOBODY);
        Map<String, String> env = env(fleet, sandbox);
        env.put("STSFLEET_HOME", state.toString());

        Run r = asNobody(env, "credential-process", "ops0", "--mfa-code", sandbox.totp(Fleets.MFA));

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rwxr-xr-x");
        try (Stream<Path> inVictim = Files.list(victim)) {
            assertThat(inVictim).isEmpty();
        }
        assertThat(calls(sandbox)).isZero();
    }

    @Test
    void aReadOnlyCredentialsFile_isRefusedByKeepFresh_beforeTheMfaPrompt(StsSandbox sandbox) throws Exception {
        Fleets fleet = home("read-only");
        Files.setPosixFilePermissions(fleet.credentials(), PosixFilePermissions.fromString("r--------"));
        String before = Files.readString(fleet.credentials());

        Run r = asNobody(env(fleet, sandbox), "keep-fresh", "ops0", "--lifetime", "1h");

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("MFA code is needed");
        assertThat(Files.readString(fleet.credentials())).isEqualTo(before);
        assertThat(calls(sandbox)).isZero();
    }

    @Test
    void serveOnABusyPort_failsBeforeTheMfaPrompt(StsSandbox sandbox) throws Exception {
        Fleets fleet = home("busy-port");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = asNobody(env(fleet, sandbox), "serve", "ops0", "--port", String.valueOf(busy.getLocalPort()));

            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("Address already in use").doesNotContain("MFA code is needed");
        }
        assertThat(calls(sandbox)).isZero();
    }
}
