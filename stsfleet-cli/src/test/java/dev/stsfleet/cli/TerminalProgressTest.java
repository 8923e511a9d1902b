package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * stsfleet on a real terminal (a tmux pane): {@code generate}'s live progress line is redrawn in place and
 * cleared, so the final screen holds the table from column 0 and the summary, and no progress text is left
 * anywhere; a {@code credential_process} run by the AWS CLI, whose output and errors go to pipes, asks for the
 * MFA code on the terminal without echoing it, and leaves the terminal echoing again.
 */
class TerminalProgressTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private final String socket = "stsfleet-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void killTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", socket, "kill-server").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(120)
    void generate_500Roles_onATerminal_leavesTheTableAtColumnZero_andNoProgressText() throws Exception {
        Fleets fleet = Fleets.create(dir, 500, 0, 5, true);
        StsSandbox sandbox = sts.start(b -> b.model(fleet.model()).latency(Duration.ofMillis(40)));
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        Path done = dir.resolve("done");
        Path go = dir.resolve("go");
        Path raw = dir.resolve("raw");
        StringBuilder script = new StringBuilder("cd '").append(dir).append("'\n")
                .append("while [ ! -e '").append(go).append("' ]; do sleep 0.05; done\n");
        env.forEach((k, v) -> script.append("export ").append(k).append("='").append(v).append("'\n"));
        script.append(Processes.stsfleet().stream().map(a -> "'" + a + "'").collect(Collectors.joining(" ")))
                .append(" generate --all --concurrency 16 --mfa-code ").append(sandbox.totp(Fleets.MFA))
                .append("\necho $? > '").append(done).append("'\nsleep 60\n");
        Path file = Files.writeString(dir.resolve("run.sh"), script.toString());

        tmux("new-session", "-d", "-x", "150", "-y", "40", "bash '" + file + "'");
        tmux("pipe-pane", "-o", "cat >> '" + raw + "'");
        Files.writeString(go, "");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(done) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String screen = tmux("capture-pane", "-p", "-J", "-S", "-");

        assertThat(Files.readString(done).strip()).as(screen).isEqualTo("0");
        List<String> lines = screen.lines().toList();
        List<String> header = lines.stream().filter(l -> l.contains("PROFILE")).toList();
        assertThat(header).as(screen).hasSize(1);
        assertThat(header.get(0)).as("the table's header at column 0").startsWith("PROFILE");
        assertThat(lines.stream().filter(l -> l.contains("ops")).count()).as(screen).isGreaterThanOrEqualTo(500);
        assertThat(lines.stream().filter(l -> l.contains("ops")))
                .allSatisfy(l -> assertThat(l).startsWith("ops").doesNotContain("/s").doesNotContain("ETA"));
        assertThat(lines).as("no progress text is left: " + screen).noneMatch(l -> l.contains("/500"))
                .anyMatch(l -> l.startsWith("stsfleet: 500 of 500 profiles succeeded"));
        assertThat(Files.readString(raw)).as("the live line was drawn in place")
                .containsPattern("\r\u001b\\[2Kgenerate: \\d+/500 \\(\\d+%\\), \\d+/s");
    }

    @Test
    @Timeout(120)
    void credentialProcess_runByTheAwsCli_asksForTheMfaCodeOnTheTerminal_withoutEcho() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, true);
        StsSandbox sandbox = sts.start(fleet.model());
        Files.writeString(fleet.config(), Files.readString(fleet.config()) + "\n[profile via]\ncredential_process = "
                + Processes.wrapper(dir) + " credential-process ops0\n");
        Map<String, String> env = new java.util.LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        Path done = dir.resolve("done");
        Path out = dir.resolve("out");
        StringBuilder script = new StringBuilder("cd '").append(dir).append("'\n");
        env.forEach((k, v) -> script.append("export ").append(k).append("='").append(v).append("'\n"));
        script.append("aws sts get-caller-identity --profile via --output text > '").append(out)
                .append("'\necho $? > '").append(done).append("'\nsleep 60\n");
        Path file = Files.writeString(dir.resolve("prompt.sh"), script.toString());

        tmux("new-session", "-d", "-x", "200", "-y", "40", "bash '" + file + "'");
        String screen = awaitScreen(s -> s.contains("MFA code for " + Fleets.MFA + " (profile " + Fleets.SOURCE + "): "));
        String code = sandbox.totp(Fleets.MFA);
        tmux("send-keys", code, "Enter"); // the one pane of this test's own tmux server
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(done) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        tmux("send-keys", "typed-after");
        screen = awaitScreen(s -> s.contains("typed-after"));

        assertThat(Files.readString(done).strip()).as(screen).isEqualTo("0");
        assertThat(Files.readString(out)).contains(":assumed-role/Ops0/");
        assertThat(screen).as("the code is not echoed").doesNotContain(code);
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(1);
    }

    @Test
    @Timeout(120)
    void ctrlC_atTheMfaPrompt_leavesTheTerminalEchoing() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, true);
        StsSandbox sandbox = sts.start(fleet.model());
        StringBuilder script = new StringBuilder("cd '").append(dir).append("'\n");
        fleet.env(sandbox.endpoint().toString()).forEach((k, v) -> script.append("export ").append(k).append("='")
                .append(v).append("'\n"));
        // No shell prompt comes back to reset the terminal: the sleep reads nothing, the tty echoes by itself.
        script.append(Processes.stsfleet().stream().map(a -> "'" + a + "'").collect(Collectors.joining(" ")))
                .append(" credential-process ops0 > /dev/null\necho \"exit=$?\"\nsleep 60\n");
        Path file = Files.writeString(dir.resolve("ctrlc.sh"), script.toString());

        tmux("new-session", "-d", "-x", "200", "-y", "40", "bash '" + file + "'");
        awaitScreen(s -> s.contains("MFA code for " + Fleets.MFA));
        tmux("send-keys", "C-c");
        awaitScreen(s -> s.contains("exit=130"));
        tmux("send-keys", "typed-after-ctrl-c");
        String screen = awaitScreen(s -> s.contains("typed-after-ctrl-c"));

        assertThat(screen).contains("exit=130");
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
    }

    /** The pane's text once {@code until} holds (at most 60 s). */
    private String awaitScreen(java.util.function.Predicate<String> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux("capture-pane", "-p", "-J", "-S", "-");
            if (until.test(screen)) {
                return screen;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the terminal never showed what was awaited:\n" + screen);
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        Processes.Run r = Processes.run(dir, Map.of("PATH", System.getenv("PATH"), "TERM", "xterm-256color",
                "HOME", dir.toString()), command);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }
}
