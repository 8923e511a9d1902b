package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code completion bash|zsh|fish}: the printed script, loaded in the real shell, completes commands, options
 * and the profile names of the AWS files named by the environment, read at completion time.
 */
class CompletionCommandTest {
    @TempDir
    Path dir;
    private Map<String, String> env;

    @BeforeEach
    void files() throws Exception {
        Path config = Files.writeString(dir.resolve("config"), """
                [profile alice]
                mfa_serial = arn:aws:iam::111111111111:mfa/alice
                [profile ops0]
                role_arn = arn:aws:iam::200000000000:role/Ops0
                source_profile = alice
                [ profile ops1 ]
                role_arn = arn:aws:iam::200000000000:role/Ops1
                source_profile = alice
                [sso-session corp]
                sso_region = eu-west-1
                """);
        Path credentials = Files.writeString(dir.resolve("credentials"), "[alice]\naws_access_key_id = AKIAEXAMPLE\n");
        env = Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(),
                "HOME", dir.toString(), "PATH", System.getenv("PATH"));
    }

    private Path script(String shell) throws Exception {
        Cli.Result r = Cli.run(env, "completion", shell);
        assertThat(r.exit()).as(r.toString()).isZero();
        return Files.writeString(dir.resolve("stsfleet." + shell), r.out());
    }

    /** What bash offers for the words typed so far (the last one being completed). */
    private List<String> bash(Path script, String... words) throws Exception {
        String array = String.join(" ", Arrays.stream(words).map(w -> "'" + w + "'").toList());
        Processes.Run r = Processes.run(dir, env, List.of("bash", "--norc", "-c", "source '" + script + "'; COMP_WORDS=("
                + array + "); COMP_CWORD=" + (words.length - 1) + "; _stsfleet; printf '%s\\n' \"${COMPREPLY[@]}\""));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        return r.out().lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bash_completesCommands_options_andProfileNamesFromTheAwsFiles() throws Exception {
        Path script = script("bash");

        assertThat(bash(script, "stsfleet", "gen")).containsExactly("generate");
        assertThat(bash(script, "stsfleet", "env", "")).containsExactly("alice", "ops0", "ops1");
        assertThat(bash(script, "stsfleet", "env", "o")).containsExactly("ops0", "ops1");
        assertThat(bash(script, "stsfleet", "generate", "--al")).containsExactly("--all");
        assertThat(bash(script, "stsfleet", "--profile", "al")).containsExactly("alice");
        assertThat(bash(script, "stsfleet", "--region", "eu-west-1", "exec", "ops0", "--reg")).containsExactly("--region");
        assertThat(bash(script, "stsfleet", "cross-account", "--base-profile", "")).contains("alice");
        assertThat(bash(script, "stsfleet", "exec", "ops0", "--", "bas")).contains("bash");
    }

    @Test
    void bash_profileNames_areReadWhenTabIsPressed() throws Exception {
        Path script = script("bash");
        Files.writeString(dir.resolve("config"), "[profile ops2]\nrole_arn = arn:aws:iam::200000000000:role/Ops2\n"
                + "source_profile = alice\n", java.nio.file.StandardOpenOption.APPEND);

        assertThat(bash(script, "stsfleet", "write", "ops")).containsExactly("ops0", "ops1", "ops2");
    }

    @Test
    void fish_completesCommands_andProfileNames() throws Exception {
        Path script = script("fish");

        Processes.Run commands = Processes.run(dir, env, List.of("fish", "--no-config", "-c",
                "source '" + script + "'; complete -C 'stsfleet gen'"));
        Processes.Run profiles = Processes.run(dir, env, List.of("fish", "--no-config", "-c",
                "source '" + script + "'; complete -C 'stsfleet env o'"));

        assertThat(commands.err()).isEmpty();
        assertThat(commands.out()).startsWith("generate\t");
        assertThat(profiles.out().lines().toList()).containsExactly("ops0", "ops1");
    }

    @Test
    void zsh_scriptLoadsInZsh() throws Exception {
        Path script = script("zsh");

        Processes.Run r = Processes.run(dir, env, List.of("zsh", "-f", "-c", "source '" + script
                + "' && print -r -- ${_comps[stsfleet]}"));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().strip()).isEqualTo("_bash_complete -o default -F _stsfleet");
    }

    @Test
    void unknownShell_isAUsageError() {
        Cli.Result r = Cli.run(env, "completion", "tcsh");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("tcsh").contains("bash, zsh, fish");
    }
}
