package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command package stays a set of independent commands: none reaches the root command (they get an
 * {@code CommandContext} from the factory), and none uses another command's static members (shared code lives in
 * small classes of its own). A scan of the sources, comments and string literals left out.
 */
class CommandIndependenceTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/stsfleet/cli/command");
    private static final Pattern COMMAND_MEMBER = Pattern.compile("\\b([A-Z]\\w*Command)\\s*\\.\\s*([A-Za-z_]\\w*)");

    @Test
    void noCommandSource_reachesRootCommand_orAnotherCommandsStatics() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : sources()) {
            String name = file.getFileName().toString().replace(".java", "");
            String code = code(Files.readString(file, StandardCharsets.UTF_8));
            if (Pattern.compile("\\bRootCommand\\b").matcher(code).find()) {
                problems.add(name + " refers to RootCommand");
            }
            Matcher m = COMMAND_MEMBER.matcher(code);
            while (m.find()) {
                if (!m.group(1).equals(name) && !m.group(2).equals("class")) {
                    problems.add(name + " uses " + m.group(1) + "." + m.group(2));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void scan_findsWhatItLooksFor() {
        assertThat(code("import dev.stsfleet.cli.RootCommand; // RootCommand\nString s = \"GenerateCommand.x\";"))
                .contains("RootCommand").doesNotContain("GenerateCommand");
        Matcher m = COMMAND_MEMBER.matcher(code("x = SamlCommand.password(c); /* ServeCommand.print */"));
        assertThat(m.find()).isTrue();
        assertThat(m.group(1) + "." + m.group(2)).isEqualTo("SamlCommand.password");
        assertThat(m.find()).isFalse();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            List<Path> files = s.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            assertThat(files).as("sources of dev.stsfleet.cli.command").hasSizeGreaterThan(10);
            return files;
        }
    }

    /** Comments and string, text-block or char literals, left to right (whichever starts first wins). */
    private static final Pattern NOT_CODE = Pattern.compile(
            "(?s)\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'|//[^\\n]*|/\\*.*?\\*/");

    /** The source without comments and string or char literals. */
    static String code(String source) {
        return NOT_CODE.matcher(source).replaceAll(" ");
    }
}
