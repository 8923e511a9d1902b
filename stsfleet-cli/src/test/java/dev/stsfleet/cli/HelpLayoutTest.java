package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.stsfleet.cli.testing.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help as a person reads it: one-line summaries in the command list, grouped options, examples that parse. */
class HelpLayoutTest {
    private static final Map<String, String> ENV = Map.of();

    @Test
    void commandList_givesEachCommandOneWholeLine() {
        Cli.Result r = Cli.run(ENV, "--help");

        assertThat(r.exit()).isZero();
        List<String> list = r.out().lines().dropWhile(l -> !l.equals("Commands:")).skip(1)
                .takeWhile(l -> !l.isEmpty()).toList();
        List<String> names = StsfleetCli.newCommandLine(CliContext.of(ENV, java.time.Clock.systemUTC(), System.in))
                .getSubcommands().keySet().stream().toList();
        assertThat(list).hasSameSizeAs(names);
        for (int i = 0; i < list.size(); i++) {
            assertThat(list.get(i)).startsWith("  " + names.get(i) + " ").hasSizeLessThanOrEqualTo(80)
                    .doesNotContain("%n").endsWith(".");
        }
    }

    @Test
    void commandHelp_groupsItsOptions_andKeepsVerbatimLines() {
        Cli.Result generate = Cli.run(ENV, "generate", "--help");
        Cli.Result env = Cli.run(ENV, "env", "--help");

        assertThat(generate.out()).containsSubsequence("Selection:\n", "--all", "Output:\n", "--format",
                "Session:\n", "--mfa-code", "Request:\n", "--concurrency", "Global options:\n", "--region");
        assertThat(env.out()).contains("\n  eval \"$(stsfleet env PROFILE)\"").contains("\n  stsfleet env PROFILE --shell fish | source\n");
    }

    @Test
    void everyCommand_hasOneToThreeExamples_andEachParses() {
        CommandLine root = StsfleetCli.newCommandLine(CliContext.of(ENV, java.time.Clock.systemUTC(), System.in));
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<List<String>> examples = new ArrayList<>();
            for (String line : e.getValue().getCommandSpec().usageMessage().footer()) {
                int at = line.indexOf("stsfleet ");
                if (line.startsWith("  ") && at >= 0) {
                    examples.add(words(line.substring(at + "stsfleet ".length())));
                }
            }
            assertThat(examples).as(e.getKey() + " examples").hasSizeBetween(1, 3);
            for (List<String> args : examples) {
                CommandLine fresh = StsfleetCli.newCommandLine(CliContext.of(ENV, java.time.Clock.systemUTC(), System.in));
                assertThatCode(() -> fresh.parseArgs(args.toArray(String[]::new))).as(String.join(" ", args))
                        .doesNotThrowAnyException();
            }
        }
    }

    /** Shell words up to an unquoted pipe, redirection, comment or closing parenthesis. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (c == ' ') {
                if (any || w.length() > 0) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else if ("|<>#);".indexOf(c) >= 0) {
                break;
            } else {
                w.append(c);
            }
        }
        if (any || w.length() > 0) {
            words.add(w.toString());
        }
        return words;
    }
}
