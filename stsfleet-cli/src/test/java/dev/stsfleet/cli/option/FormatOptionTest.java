package dev.stsfleet.cli.option;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.StsfleetCli;
import dev.stsfleet.cli.testing.Cli;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one {@code --format} mixin: env only where a command offers it, a usage error while parsing elsewhere. */
class FormatOptionTest {
    @Test
    void formatEnv_onACommandWithoutIt_isAUsageErrorLikeAnyBadEnumValue() {
        for (String[] args : new String[][] {{"generate", "--all", "--format", "env"},
                {"saml", "--idp-url", "https://idp.example.com/sso", "--user", "a", "--all-roles", "--format", "ENV"},
                {"sso", "generate", "--format", "env"}}) {
            Cli.Result r = Cli.run(Map.of(), args);

            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).startsWith("stsfleet: error: Invalid value for option '--format': expected one of "
                    + "[boto, json, table] (case-insensitive) but was 'env'").hasLineCount(1);
        }
    }

    @Test
    void formatEnv_onCrossAccount_parses_andEveryCommandTakesTheOtherThree() {
        String[][] commands = {{"generate"}, {"sso", "generate"}, {"cross-account", "--base-profile", "b", "--role", "r"},
            {"saml", "--idp-url", "https://idp.example.com/sso", "--user", "a"}};
        for (String format : new String[] {"boto", "json", "TABLE"}) {
            for (String[] command : commands) {
                String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                        java.util.stream.Stream.of("--format", format)).toArray(String[]::new);
                assertThatCode(() -> commandLine().parseArgs(args)).as(String.join(" ", args))
                        .doesNotThrowAnyException();
            }
        }
        assertThatCode(() -> commandLine().parseArgs("cross-account", "--base-profile", "b", "--role", "r",
                "--accounts", "111111111111", "--format", "env")).doesNotThrowAnyException();
    }

    @Test
    void chosen_isTableOnATerminal_elseJson() {
        CliContext terminal = new CliContext(Map.of(), Clock.systemUTC(), new ByteArrayInputStream(new byte[0]), null,
                true, true);
        CliContext pipe = CliContext.of(Map.of(), Clock.systemUTC(), new ByteArrayInputStream(new byte[0]));

        assertThat(new FormatOption().chosen(terminal)).isEqualTo(Format.table);
        assertThat(new FormatOption().chosen(pipe)).isEqualTo(Format.json);
        assertThat(Format.boto.outputFormat()).isEqualTo(dev.stsfleet.OutputFormat.BOTO);
        assertThat(Format.json.outputFormat()).isEqualTo(dev.stsfleet.OutputFormat.VAULT);
    }

    private static picocli.CommandLine commandLine() {
        return StsfleetCli.newCommandLine(CliContext.of(Map.of(), Clock.systemUTC(), new ByteArrayInputStream(new byte[0])));
    }
}
