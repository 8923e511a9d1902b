package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandTableTest {
    private static CommandLine built(String... args) {
        return StsfleetCli.newCommandLine(CliContext.of(Map.of(), Clock.systemUTC(), new ByteArrayInputStream(new byte[0])),
                args);
    }

    @Test
    void aCommandLineNamingOneCommand_buildsOnlyThatCommand_whereverTheGlobalOptionsStand() {
        assertThat(built("env", "prod").getSubcommands()).containsOnlyKeys("env");
        assertThat(built("--profile", "env", "--region", "eu-west-1", "generate", "--all").getSubcommands())
                .containsOnlyKeys("generate");
        assertThat(built("--endpoint-url=http://127.0.0.1:1", "--debug", "exec", "prod", "--", "true")
                .getSubcommands()).containsOnlyKeys("exec");
        assertThat(built("sso", "login").getSubcommands()).containsOnlyKeys("sso");
    }

    @Test
    void help_completion_noCommand_andAnUnknownOne_getEveryCommand() {
        for (String[] args : new String[][] {{"help", "generate"}, {"completion", "bash"}, {}, {"--debug"},
                {"genrate", "--all"}, {"--no-such-option", "env"}, {"--", "env"}}) {
            assertThat(built(args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(CommandTable.names());
        }
        assertThat(CommandTable.names()).hasSize(19).contains("generate", "env", "exec", "sso", "status", "clear", "help");
    }

    @Test
    void everyCommandsVersionOption_printsTheVersionAndRuntime_asTheRootsDoes() {
        CommandLine root = built("--version");
        java.io.StringWriter rootOut = new java.io.StringWriter();
        root.setOut(new java.io.PrintWriter(rootOut));
        assertThat(root.execute("--version")).isZero();
        assertThat(rootOut.toString()).startsWith("stsfleet ").contains("\nJava ");
        for (String[] args : new String[][] {{"env", "--version"}, {"generate", "--version"}, {"sso", "login", "-V"},
                {"--region", "eu-west-1", "keep-fresh", "--version"}}) {
            CommandLine cmd = built(args);
            java.io.StringWriter out = new java.io.StringWriter();
            cmd.setOut(new java.io.PrintWriter(out));
            assertThat(cmd.execute(args)).as(String.join(" ", args)).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).isEqualTo(rootOut.toString());
        }
    }

    @Test
    void theCommandsTablesNames_areTheCommandsOwnNames() {
        CommandLine all = StsfleetCli.newCommandLine(CliContext.of(Map.of(), Clock.systemUTC(),
                new ByteArrayInputStream(new byte[0])));
        all.getSubcommands().forEach((name, sub) -> assertThat(sub.getCommandName()).isEqualTo(name));
    }

    @Test
    void theStsClientACommandLineWillBuild_isReadBeforePicocli_soTheSdkCanGetReadyMeanwhile() {
        assertThat(CommandTable.stsConnections(new String[] {"env", "prod"})).isEqualTo(1);
        assertThat(CommandTable.stsConnections(new String[] {"--region", "eu-west-1", "exec", "prod", "--", "env"}))
                .isEqualTo(1);
        assertThat(CommandTable.stsConnections(new String[] {"credential-process", "prod"})).isEqualTo(1);
        assertThat(CommandTable.stsConnections(new String[] {"--profile", "env", "generate", "--all"})).isEqualTo(2);
        // No STS client soon, only help, or --debug (logging is set up after parsing): no warm-up.
        for (String[] args : new String[][] {{"profiles"}, {"status"}, {"sandbox"}, {}, {"env", "--help"},
                {"help", "env"}, {"generate", "-h"}, {"--", "env"}, {"env", "prod", "--debug"}, {"--debug", "generate"}}) {
            assertThat(CommandTable.stsConnections(args)).as(String.join(" ", args)).isZero();
        }
    }

    @Test
    void aProfileNamedLikeACommand_isAnOptionValue_whereAnOptionTakesOne() {
        String[] args = {"--profile", "env", "env", "audit"};
        CommandLine.ParseResult parsed = built(args).parseArgs(args);
        assertThat(parsed.matchedOptionValue("--profile", (String) null)).isEqualTo("env");
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("env");
        assertThat(parsed.subcommand().matchedPositionalValue(0, (String) null)).isEqualTo("audit");
    }
}
