package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** How the command line is read: options after exec's profile, unknown commands, help, options not offered. */
class ParsingTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();
    private StsSandbox sandbox;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 1, false);
        sandbox = sts.start(fleet.model());
        env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("PATH", System.getenv("PATH"));
    }

    private long calls() {
        return sandbox.stats().total("AssumeRole") + sandbox.stats().total("GetSessionToken");
    }

    @Test
    void exec_optionsBetweenProfileAndCommand_areStsfleets() throws Exception {
        Path seen = dir.resolve("seen");
        Map<String, String> noEndpoint = new LinkedHashMap<>(env);
        noEndpoint.remove("AWS_ENDPOINT_URL_STS");

        Cli.Result r = Cli.run(noEndpoint, "exec", "ops0", "--region", "eu-west-1", "--endpoint-url",
                sandbox.endpoint().toString(), "--", "sh", "-c", "echo \"$AWS_REGION $AWS_DEFAULT_REGION $1\" > '"
                        + seen + "'", "sh", "--region");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(seen)).isEqualTo("eu-west-1 eu-west-1 --region\n");
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
    }

    @Test
    void exec_withoutDoubleDash_theFirstWordStartsTheCommand() throws Exception {
        Path seen = dir.resolve("seen");

        Cli.Result r = Cli.run(env, "exec", "ops0", "--legacy", "sh", "-c", "echo \"$AWS_ACCESS_KEY $1\" | cut -c1-4 > '"
                + seen + "'", "sh", "--legacy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(seen)).isEqualTo("ASIA\n");
    }

    @Test
    void exec_unknownOptionOrBadValueAfterTheProfile_exit2_noStsCall() {
        Cli.Result unknown = Cli.run(env, "exec", "ops0", "--regoin", "eu-west-1", "--", "true");
        Cli.Result badTimeout = Cli.run(env, "exec", "ops0", "--call-timeout", "soon", "--", "true");

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("stsfleet: error: unknown option --regoin").hasLineCount(1);
        assertThat(badTimeout.exit()).isEqualTo(2);
        assertThat(badTimeout.err()).startsWith("stsfleet: error: ").hasLineCount(1);
        assertThat(calls()).isZero();
    }

    @Test
    void exec_withoutCommand_runsTheShell_withAMarker_andANestedExecWarns() throws Exception {
        Path seen = dir.resolve("seen");
        Path shell = dir.resolve("fake-shell");
        Files.writeString(shell, "#!/bin/sh\necho \"$STSFLEET_PROFILE\" > '" + seen + "'\n");
        shell.toFile().setExecutable(true);
        env.put("SHELL", shell.toString());

        Cli.Result r = Cli.run(env, "exec", "ops0");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(seen)).isEqualTo("ops0\n");

        env.put("STSFLEET_PROFILE", "ops0");
        Cli.Result nested = Cli.run(env, "exec", "ops1", "--", "true");
        assertThat(nested.exit()).as(nested.toString()).isZero();
        assertThat(nested.err()).contains("stsfleet: warning: already inside 'stsfleet exec ops0'");
    }

    @Test
    void unknownCommand_suggestsTheNearest_exit2() {
        Cli.Result r = Cli.run(env, "genrate", "--all");
        Cli.Result far = Cli.run(env, "frobnicate");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("stsfleet: error: unknown command 'genrate' (did you mean 'generate'?)\n");
        assertThat(r.out()).isEmpty();
        assertThat(far.exit()).isEqualTo(2);
        assertThat(far.err()).isEqualTo("stsfleet: error: unknown command 'frobnicate' (see 'stsfleet help')\n");
        assertThat(calls()).isZero();
    }

    @Test
    void aPeerToolsCommandWord_namesTheCommandThatDoesIt_exit2() {
        Cli.Result list = Cli.run(env, "list");
        Cli.Result export = Cli.run(env, "export", "ops0");

        assertThat(list.exit()).isEqualTo(2);
        assertThat(list.err()).isEqualTo("stsfleet: error: unknown command 'list' ('stsfleet profiles' lists the role "
                + "profiles, 'stsfleet status' what is cached)\n");
        assertThat(export.exit()).isEqualTo(2);
        assertThat(export.err()).contains("'stsfleet env PROFILE'").hasLineCount(1);
        assertThat(calls()).isZero();
    }

    @Test
    void help_listsCommands_andShowsACommandsHelp() {
        Cli.Result list = Cli.run(env, "help");
        Cli.Result generate = Cli.run(env, "help", "generate");

        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("generate").contains("session-token").contains("exec");
        assertThat(generate.exit()).isZero();
        assertThat(generate.out()).startsWith("Usage: stsfleet generate");
    }

    @Test
    void demoAndSandbox_doNotOfferOptionsTheyIgnore() {
        Cli.Result help = Cli.run(env, "demo", "--help");
        Cli.Result used = Cli.run(env, "demo", "--endpoint-url", "http://127.0.0.1:1");
        Cli.Result sandboxHelp = Cli.run(env, "sandbox", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).doesNotContain("--profile").doesNotContain("--endpoint-url").doesNotContain("--region")
                .contains("--debug").contains("--quiet");
        assertThat(used.exit()).isEqualTo(2);
        assertThat(used.err()).startsWith("stsfleet: error: unknown option --endpoint-url");
        assertThat(sandboxHelp.out()).doesNotContain("--profile").doesNotContain("--endpoint-url");
    }
}
