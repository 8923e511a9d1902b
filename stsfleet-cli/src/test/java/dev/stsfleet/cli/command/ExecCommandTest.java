package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet exec}: exit codes, the child's environment, signals, a missing command. */
class ExecCommandTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;

    private Map<String, String> env() throws Exception {
        fleet = Fleets.create(dir, 2, 0, 1, false);
        sandbox = sts.start(fleet.model());
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("PATH", System.getenv("PATH"));
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        // A parent with another identity selected: none of it may reach the child.
        env.put("AWS_DEFAULT_PROFILE", "alice");
        env.put("AWS_ACCESS_KEY_ID", Fleets.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", Fleets.SECRET);
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds");
        return env;
    }

    @Test
    void exec_passesTheExitCode_0_3_130() throws Exception {
        Map<String, String> env = env();

        assertThat(Cli.run(env, "exec", "ops0", "--", "sh", "-c", "exit 0").exit()).isZero();
        assertThat(Cli.run(env, "exec", "ops0", "--", "sh", "-c", "exit 3").exit()).isEqualTo(3);
        assertThat(Cli.run(env, "exec", "ops0", "sh", "-c", "exit 130").exit()).isEqualTo(130);
    }

    @Test
    void child_seesTheRoleCredentials_andNoProfileOrOtherCredentialVariables() throws Exception {
        Map<String, String> env = env();
        Path seen = dir.resolve("seen");

        Cli.Result r = Cli.run(env, "exec", "ops1", "--", "sh", "-c", "env > '" + seen + "'; "
                + "aws sts get-caller-identity --output json --query Arn > '" + seen + ".arn'");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        List<String> lines = Files.readAllLines(seen);
        assertThat(lines).noneMatch(l -> l.startsWith("AWS_PROFILE=") || l.startsWith("AWS_DEFAULT_PROFILE=")
                || l.startsWith("AWS_CONTAINER_"));
        assertThat(lines).anyMatch(l -> l.startsWith("AWS_ACCESS_KEY_ID=ASIA"))
                .anyMatch(l -> l.startsWith("AWS_SESSION_TOKEN="))
                .anyMatch(l -> l.startsWith("AWS_SECURITY_TOKEN="))
                .anyMatch(l -> l.startsWith("AWS_CREDENTIAL_EXPIRATION="))
                .noneMatch(l -> l.contains(Fleets.SECRET));
        assertThat(Files.readString(dir.resolve("seen.arn"))).contains(":assumed-role/Ops1/");
    }

    @Test
    void optionsAfterTheProfile_belongToTheChild() throws Exception {
        Map<String, String> env = env();
        Path seen = dir.resolve("args");

        Cli.Result r = Cli.run(env, "exec", "ops0", "sh", "-c", "echo \"$@\" > '" + seen + "'", "sh", "--help", "-q");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(seen)).isEqualTo("--help -q\n");
    }

    @Test
    void missingCommand_exit127_oneClearLine() throws Exception {
        Cli.Result r = Cli.run(env(), "exec", "ops0", "--", "no-such-command-stsfleet", "x");

        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.err()).isEqualTo("stsfleet: error: command not found: no-such-command-stsfleet\n");
    }

    @Test
    void unknownProfile_exit2_noStsCall() throws Exception {
        // Without a command exec runs $SHELL (ParsingTest covers it); an empty command word is still bad usage.
        Map<String, String> env = env();

        Cli.Result empty = Cli.run(env, "exec", "ops0", "--", "");
        Cli.Result unknown = Cli.run(env, "exec", "nosuch", "--", "true");

        assertThat(empty.exit()).isEqualTo(2);
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("stsfleet: error: unknown profile nosuch").hasLineCount(1);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void sigintToStsfleet_stopsTheChild_andExits130() throws Exception {
        Map<String, String> env = env();
        Path pidFile = dir.resolve("child.pid");
        List<String> command = Processes.stsfleet();
        command.addAll(List.of("exec", "ops0", "--", "sh", "-c", "echo $$ > '" + pidFile + "'.tmp; mv '"
                + pidFile + "'.tmp '" + pidFile + "'; exec sleep 120"));
        Process stsfleet = Processes.builder(env, command)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            while (!Files.exists(pidFile)) {
                assertThat(stsfleet.isAlive()).as("stsfleet runs until the child starts").isTrue();
                Thread.sleep(50); // polling for the child to start, not for an expiry
            }
            long child = Long.parseLong(Files.readString(pidFile).strip());
            assertThat(ProcessHandle.of(child)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

            new ProcessBuilder("kill", "-INT", Long.toString(stsfleet.pid())).start().waitFor();

            assertThat(stsfleet.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(stsfleet.exitValue()).isEqualTo(130);
            ProcessHandle.of(child).ifPresent(h -> assertThat(h.onExit().orTimeout(30, TimeUnit.SECONDS).join().isAlive())
                    .as("the child ended").isFalse());
        } finally {
            stsfleet.descendants().forEach(ProcessHandle::destroyForcibly);
            stsfleet.destroyForcibly();
        }
    }
}
