package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {
    @Test
    void mistypedOption_namesTheOption_butNeverEchoesTheValueAfterIt() {
        Cli.Result r = Cli.run(Map.of(), "saml", "--idp-url", "https://127.0.0.1:9/sso", "--user", "bob",
                "--pasword", "hunter2-secret", "--role", "Deploy");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --pasword").doesNotContain("hunter2-secret");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void unknownCommand_isNamed() {
        Cli.Result r = Cli.run(Map.of(), "generat");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("stsfleet: error: ").contains("generat");
    }

    @Test
    void noCommand_exits2_withAHint() {
        Cli.Result r = Cli.run(Map.of());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("a command is needed").contains("--help");
    }
}
