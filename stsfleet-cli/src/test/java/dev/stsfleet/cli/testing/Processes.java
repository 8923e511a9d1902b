package dev.stsfleet.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.Main;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs real processes: the stsfleet command in its own JVM (the test classpath, as the shaded jar exists
 * only after {@code package}), the real AWS CLI, shells. Every process gets a clean environment: no
 * {@code AWS_*} variable of the machine, only what the test passes.
 */
public final class Processes {
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** What one process left behind. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stderr:\n" + err; // never stdout: it may hold credentials
        }
    }

    private Processes() {
    }

    /**
     * {@code java -cp <test classpath> dev.stsfleet.cli.Main}, on the newest JDK of this one and those under
     * /usr/lib/jvm (what {@code bin/stsfleet} runs the single-role commands on), so that process tests cover it;
     * the in-process tests run on the build's JDK.
     */
    public static List<String> stsfleet() {
        return new ArrayList<>(List.of(JAVA.toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
    }

    /** The java of {@link #stsfleet()}. */
    public static final Path JAVA = newestJava();

    private static Path newestJava() {
        Path best = Path.of(System.getProperty("java.home"));
        int bestMajor = Runtime.version().feature();
        try (java.util.stream.Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.sorted().toList()) {
                int major = majorOf(home);
                if (major > bestMajor && Files.isExecutable(home.resolve("bin/java"))) {
                    best = home;
                    bestMajor = major;
                }
            }
        } catch (IOException e) {
            // no /usr/lib/jvm: this JDK
        }
        return best.resolve("bin").resolve("java");
    }

    /** The feature version in a JDK's {@code release} file (JAVA_VERSION="25.0.3"), or 0. */
    private static int majorOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String v = line.substring("JAVA_VERSION=\"".length());
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK
        }
        return 0;
    }

    /**
     * An executable script {@code dir/bin/stsfleet} that runs the command from the test classpath, for
     * places that need one absolute path (an AWS CLI {@code credential_process} line, a shell).
     */
    public static Path wrapper(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("stsfleet");
        StringBuilder text = new StringBuilder("#!/bin/sh\nexec");
        for (String word : stsfleet()) {
            text.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        text.append(" \"$@\"\n");
        Files.writeString(script, text.toString());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** A process builder with a clean environment: PATH, LANG and the given variables. */
    public static ProcessBuilder builder(Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> e = pb.environment();
        String path = e.get("PATH");
        e.clear();
        e.put("PATH", path);
        e.put("LANG", "C.UTF-8");
        e.putAll(env);
        return pb;
    }

    /** Runs a command to its end (at most 3 minutes) with stdin from /dev/null. */
    public static Run run(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        int n = RUNS.incrementAndGet();
        Path out = dir.resolve("proc-" + n + ".out");
        Path err = dir.resolve("proc-" + n + ".err");
        Process p = builder(env, command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command.get(0));
        }
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The stsfleet command as its own process. */
    public static Run stsfleet(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = stsfleet();
        command.addAll(List.of(args));
        return run(dir, env, command);
    }

    /** The real AWS CLI ({@code aws} on the PATH), with only the given environment. */
    public static Run aws(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        return run(dir, env, command);
    }

    /** The ARN {@code aws sts get-caller-identity} printed (JSON output). */
    public static String arnOf(Run getCallerIdentity) {
        assertThat(getCallerIdentity.exit()).as(getCallerIdentity.toString()).isZero();
        String out = getCallerIdentity.out();
        int at = out.indexOf("\"Arn\"");
        assertThat(at).as("Arn in " + out).isPositive();
        int start = out.indexOf('"', out.indexOf(':', at) + 1) + 1;
        return out.substring(start, out.indexOf('"', start));
    }
}
