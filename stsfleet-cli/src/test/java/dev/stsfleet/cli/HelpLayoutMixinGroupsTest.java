package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options of a shared mixin land in the mixin's help group in every command that mixes it in. */
class HelpLayoutMixinGroupsTest {
    @Test
    void crossAccountAndSaml_groupTheirMixinOptions_likeGenerate() {
        Cli.Result crossAccount = Cli.run(Map.of(), "cross-account", "--help");
        Cli.Result saml = Cli.run(Map.of(), "saml", "--help");

        assertThat(section(crossAccount.out(), "Selection")).contains("--accounts=IDS", "--accounts-file=FILE");
        assertThat(section(crossAccount.out(), "Output")).contains("--format=FORMAT");
        assertThat(section(crossAccount.out(), "Session")).contains("--mfa-code");
        assertThat(section(crossAccount.out(), "Request")).contains("--duration=DURATION", "--concurrency",
                "--source-identity");
        assertThat(section(crossAccount.out(), "Global options")).contains("--connect-timeout");
        assertThat(section(saml.out(), "Selection")).contains("--accounts=IDS", "--accounts-file=FILE");
        assertThat(section(saml.out(), "Output")).contains("--format=FORMAT");
        assertThat(section(saml.out(), "Request")).contains("--duration=DURATION", "--concurrency");
    }

    @Test
    void theNameLists_leaveMixinOptionsToTheirMixins() {
        List<String> named = HelpLayout.GROUPS.values().stream().flatMap(List::stream).toList();

        assertThat(named).doesNotContain("--all", "--accounts", "--accounts-file", "--mfa-code", "--no-cache",
                "--source-identity", "--policy");
    }

    /** The lines of help under {@code heading}, up to the next heading or the end. */
    private static String section(String help, String heading) {
        int at = help.indexOf("\n" + heading + ":\n");
        assertThat(at).as(heading).isNotNegative();
        String rest = help.substring(at + heading.length() + 3);
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("\n[A-Z][A-Za-z ]*:\n").matcher(rest);
        return next.find() ? rest.substring(0, next.start()) : rest;
    }
}
