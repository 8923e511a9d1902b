package dev.stsfleet.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableRendererTest {
    private static final Instant NOW = Instant.parse("2026-11-21T17:00:30Z");

    @Test
    void table_hasOneAlignedRowPerProfile_inRequestOrder() {
        String text = render(Fixtures.fleet());

        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("PROFILE").contains("ACCOUNT", "ROLE", "EXPIRES", "STATUS");
        assertThat(lines.get(1)).startsWith("prod ").contains("111111111111", "Admin",
                "2026-11-21 18:00:00Z (in 59m)").endsWith("ok");
        assertThat(lines.get(2)).startsWith("broken ").contains("333333333333", "NoTrust").endsWith("AccessDenied");
        assertThat(lines.get(3)).startsWith("dev ").contains("222222222222", "ReadOnlyLongName",
                "2026-11-21 19:05:00Z (in 2h 4m)").endsWith("ok");
        for (String column : List.of("ACCOUNT", "ROLE", "EXPIRES", "STATUS")) {
            int at = lines.get(0).indexOf(column);
            for (String line : lines.subList(1, lines.size())) {
                assertThat(line.charAt(at - 1)).as("column %s aligned in %s", column, line).isEqualTo(' ');
                assertThat(line.charAt(at)).as("column %s aligned in %s", column, line).isNotEqualTo(' ');
            }
        }
        assertThat(text).endsWith("\n");
    }

    @Test
    void table_neverShowsASecret_norTheAccessKey() {
        String text = render(Fixtures.fleet());

        assertThat(text).doesNotContain(Fixtures.SECRET, Fixtures.TOKEN, Fixtures.ACCESS_KEY_ID,
                "devSecretKey", "devSessionToken", "ASIADEVKEY", "0001");
    }

    @Test
    void table_showsExpiredCredentialsAsExpired() {
        Instant later = Fixtures.EXPIRY.plus(Duration.ofMinutes(3));
        StringWriter out = new StringWriter();
        new TableRenderer(Fixtures.clockAt(later)).render(Fixtures.fleet(), out);

        assertThat(out.toString()).contains("(expired 3m ago)");
    }

    @Test
    void table_replacesControlCharactersInNames() {
        Map<String, ProfileResult> results = new LinkedHashMap<>();
        results.put("sts-x", new ProfileResult.Succeeded(new RoleCredentials("evil\u001b[2Jname\nx",
                "arn:aws:iam::111111111111:role/R", null, Fixtures.credentials())));
        String text = render(new FleetResult(results, Duration.ZERO));

        assertThat(text).doesNotContain("\u001b").contains("evil?[2Jname?x");
        assertThat(text.lines()).hasSize(2);
    }

    @Test
    void table_failureWithoutRoleArn_showsDashes() {
        Map<String, ProfileResult> results = new LinkedHashMap<>();
        results.put("sts-x", new ProfileResult.Failed("x", null, "ClientError", "no route"));
        String text = render(new FleetResult(results, Duration.ZERO));

        assertThat(text.lines().toList().get(1)).matches("x +- +- +- +ClientError");
    }

    @Test
    void relative_roundsDownToWholeUnits() {
        assertThat(TableRenderer.relative(Duration.ofSeconds(3599))).isEqualTo("in 59m");
        assertThat(TableRenderer.relative(Duration.ofHours(1))).isEqualTo("in 1h");
        assertThat(TableRenderer.relative(Duration.ofMinutes(65))).isEqualTo("in 1h 5m");
        assertThat(TableRenderer.relative(Duration.ofSeconds(30))).isEqualTo("in 30s");
        assertThat(TableRenderer.relative(Duration.ZERO)).isEqualTo("expired 0s ago");
        assertThat(TableRenderer.relative(Duration.ofMinutes(-3))).isEqualTo("expired 3m ago");
    }

    private static String render(FleetResult result) {
        StringWriter out = new StringWriter();
        new TableRenderer(Fixtures.clockAt(NOW)).render(result, out);
        return out.toString();
    }
}
