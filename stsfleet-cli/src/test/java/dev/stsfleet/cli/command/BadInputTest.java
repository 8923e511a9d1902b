package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad usage and bad input: exit 2, exactly one line on stderr naming the problem, no stack trace, and
 * not one STS call (the sandbox's counters stay at zero).
 */
class BadInputTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;
    private Fleets fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = Fleets.create(dir, 3, 0, 3, true);
        sandbox = sts.start(fleet.model());
    }

    /** A case: how to spoil the setup, the arguments, and what the one line must say. */
    record Case(String name, Consumer<Path> setup, List<String> args, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("unknown profile", d -> { }, "generate ops0 nosuch --mfa-code 123456", "nosuch"),
                c("profile name with terminal escapes", d -> { }, "generate ops\u001b[31m\u0007 --mfa-code 123456",
                        "ops\\e[31m\\x07"),
                c("unknown profile with a near miss", d -> { }, "generate opz1 --mfa-code 123456", "did you mean"),
                c("cycle", d -> append(d, "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
                        + "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n"),
                        "generate a", "cycle"),
                c("missing role_arn", d -> append(d, "[profile plain]\nregion = eu-west-1\nsource_profile = alice\n"),
                        "generate plain", "plain"),
                c("malformed ARN", d -> append(d, "[profile bad]\nrole_arn = arn:aws:iam::12:role\nsource_profile = alice\n"),
                        "generate bad", "bad"),
                c("MFA code not six digits", d -> { }, "generate --all --mfa-code 12345", "6 digits"),
                c("MFA code with letters", d -> { }, "generate --all --mfa-code 12a456", "6 digits"),
                c("lifetime too long", d -> { }, "generate --all --mfa-code 123456 --lifetime 37h", "36"),
                c("lifetime too short", d -> { }, "session-token --mfa-code 123456 --lifetime 5m", "15"),
                c("lifetime not a duration", d -> { }, "generate --all --lifetime soon", "not a duration"),
                c("unreadable profiles file", d -> { }, "generate --file /nonexistent/profiles.ini", "/nonexistent/profiles.ini"),
                c("unreadable config file", d -> { }, "generate --all --config-file /nonexistent/config", "/nonexistent/config"),
                c("malformed INI", d -> append(d, "[profile broken\nrole_arn = x\n"), "generate --all", "config"),
                c("duplicate names", d -> { }, "generate ops0 ops0 --mfa-code 123456", "ops0"),
                c("no selection", d -> { }, "generate", "--all"),
                c("two selections", d -> { }, "generate ops0 --all", "cannot be combined"),
                c("unknown format", d -> { }, "generate --all --format yaml", "yaml"),
                c("concurrency zero", d -> { }, "generate --all --concurrency 0", "--concurrency"),
                c("unknown throttle control", d -> { }, "generate --all --throttle-control cubic", "--throttle-control"),
                c("cross-account concurrency too high", d -> { },
                        "cross-account --base-profile alice --role R --accounts 123456789012 --concurrency 2000",
                        "--concurrency"),
                c("saml unknown throttle control", d -> { }, "saml --idp-url https://idp.example/x --user u --role R "
                        + "--accounts 123456789012 --throttle-control fast", "--throttle-control"),
                c("bad endpoint URL", d -> { }, "generate --all --endpoint-url notaurl", "notaurl"),
                c("unknown option", d -> { }, "generate --all --bogus", "--bogus"),
                c("unknown source profile", d -> { }, "session-token --profile ghost --mfa-code 123456", "ghost"),
                c("bad duration_seconds", d -> append(d, "[profile shorty]\nrole_arn = arn:aws:iam::123456789012:role/S\n"
                        + "source_profile = alice\nduration_seconds = 60\n"), "generate shorty", "duration_seconds"),
                c("unreadable --file of profiles", d -> { }, "profiles --file /nonexistent/x.ini", "/nonexistent/x.ini"),
                c("role profile as session source", d -> { }, "session-token --profile ops0", "ops0"));
    }

    private static Arguments c(String name, Consumer<Path> setup, String args, String expected) {
        return Arguments.of(new Case(name, setup, List.of(args.split(" ")), expected));
    }

    private static void append(Path dir, String text) {
        try {
            Files.writeString(dir.resolve("config"), Files.readString(dir.resolve("config")) + "\n" + text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput_exits2_withOneLineNamingTheProblem_andNoStsCall(Case c) {
        c.setup().accept(dir);
        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), c.args().toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        List<String> lines = r.err().strip().lines().toList();
        assertThat(lines).as(r.toString()).hasSize(1);
        assertThat(lines.get(0)).startsWith("stsfleet: error: ").contains(c.expected());
        assertThat(r.err()).doesNotContain("Exception", "\tat ", "\u001b", "\u0007");
        assertThat(r.out()).isEmpty();
        for (String action : List.of("GetSessionToken", "AssumeRole", "GetCallerIdentity")) {
            assertThat(sandbox.stats().total(action)).as(action).isZero();
        }
    }
}
