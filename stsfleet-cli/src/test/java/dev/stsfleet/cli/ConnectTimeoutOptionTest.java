package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.option.GlobalOptions;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sts.CallLimits;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --connect-timeout}: reaches the fleet's call limits wherever it is typed; zero is bad usage, before any call. */
class ConnectTimeoutOptionTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = Fleets.create(dir, 2, 0, 2, true);
        sandbox = sts.start(fleet.model());
    }

    @Test
    void connectTimeout_beforeOrAfterTheCommand_reachesTheFleetsCallLimits() {
        for (String[] args : new String[][] {{"--connect-timeout", "1s", "generate", "ops0"},
                {"generate", "ops0", "--connect-timeout", "1s", "--call-timeout", "9s"}}) {
            CliContext context = CliContext.of(fleet.env(sandbox.endpoint().toString()), Clock.systemUTC(),
                    new ByteArrayInputStream(new byte[0]));
            CommandLine cmd = StsfleetCli.newCommandLine(context);
            cmd.parseArgs(args);
            GlobalOptions global = (GlobalOptions) cmd.getMixins().get("global");

            CallLimits expected = new CallLimits(Duration.ofSeconds(1),
                    args[0].equals("generate") ? Duration.ofSeconds(9) : CallLimits.DEFAULT_CALL_TIMEOUT);
            assertThat(FleetFactory.callLimits(global)).as(String.join(" ", args)).isEqualTo(expected);
            try (StsFleet built = FleetFactory.builder(new CommandContext(context, global)).build()) {
                assertThat(built.callLimits()).isEqualTo(expected);
            }
        }
    }

    @Test
    void withoutTheOptions_theLimitsAreTheLibrarysDefaults() {
        assertThat(FleetFactory.callLimits(new GlobalOptions())).isEqualTo(CallLimits.DEFAULT);
    }

    @Test
    void aZeroConnectTimeout_isExit2_inOneLine_withNoCall() {
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        for (String[] args : new String[][] {{"--connect-timeout", "0s", "generate", "ops0", "--mfa-code", "123456"},
                {"env", "ops0", "--connect-timeout", "0", "--mfa-code", "123456"},
                {"sso", "generate", "--connect-timeout", "0s"},
                {"generate", "ops0", "--call-timeout", "0s", "--mfa-code", "123456"}}) {
            Cli.Result r = Cli.run(env, args);

            assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(2);
            assertThat(r.err()).hasLineCount(1).startsWith("stsfleet: error: --c")
                    .contains("-timeout must be more than 0, not 0s");
            assertThat(r.out()).isEmpty();
        }
        for (String action : List.of("GetSessionToken", "AssumeRole", "GetCallerIdentity")) {
            assertThat(sandbox.stats().total(action)).as(action).isZero();
        }
    }

    @Test
    void help_listsTheOption_withItsDefault() {
        Cli.Result r = Cli.run(Map.of(), "generate", "--help");

        assertThat(r.out()).contains("--connect-timeout=DURATION").contains("TCP connect deadline of each call (default: 2s).");
    }
}
