package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cross-account --sts-regions}: one sandbox serves four regions, each throttled at 600 requests per
 * second (the region read from each request's signature), some accounts with regions disabled.
 */
class RegionalSpreadTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private static final String KEY = "AKIASPREADBASE000001";
    private static final String SECRET = "spreadBaseSecretKey/forRegionalSpreadTests";
    private static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2");

    private static Map<String, String> files(Path dir, String endpoint) throws Exception {
        Files.writeString(dir.resolve("config"), "[profile base]\nregion = us-east-1\n");
        Files.writeString(dir.resolve("credentials"), "[base]\naws_access_key_id = " + KEY
                + "\naws_secret_access_key = " + SECRET + "\n");
        return Map.of("AWS_CONFIG_FILE", dir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString(), "HOME", dir.toString(),
                "AWS_ENDPOINT_URL_STS", endpoint);
    }

    @Test
    void threeThousandRoles_fourRegions_600rpsEach_everyRoleSucceeds_spreadOverAllFour_disabledRegionsServedElsewhere(
            @TempDir Path dir) throws Exception {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/base", KEY, SECRET, null, null));
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String account = String.format("%012d", 200000000000L + i);
            accounts.add(account);
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/Audit",
                    List.of("arn:aws:iam::111111111111:root"), false, null, 3600));
        }
        // Ten accounts have enabled only ap-southeast-2 of the four.
        List<String> disabled = new ArrayList<>();
        for (String account : accounts.subList(100, 110)) {
            for (String region : REGIONS.subList(0, 3)) {
                disabled.add(account + ":" + region);
            }
        }
        Files.writeString(dir.resolve("accounts.txt"), String.join("\n", accounts) + "\n");
        StsSandbox sandbox = sts.start(b -> b.model(model.build()).throttleRps(600).disabledRegions(disabled));
        Cli.Result r = Cli.run(files(dir, sandbox.endpoint().toString()), "cross-account", "--base-profile", "base",
                "--role", "Audit", "--accounts-file", dir.resolve("accounts.txt").toString(),
                "--sts-regions", String.join(",", REGIONS), "--format", "json", "--concurrency", "32");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("credentials").size()).isEqualTo(3000);
        assertThat(doc.get("summary").get("succeeded").asInt()).isEqualTo(3000);
        JsonNode byRegion = doc.get("summary").get("stsCallsByRegion");
        assertThat(GenerateCommandTest.keys(byRegion)).containsExactlyElementsOf(REGIONS);
        long calls = 0;
        for (String region : REGIONS) {
            // Spread: every region carries a real share (a quarter would be 750).
            assertThat(byRegion.get(region).asLong()).as(region).isGreaterThan(300);
            assertThat(sandbox.stats().ok(region, "AssumeRole")).as(region).isGreaterThan(300);
            calls += byRegion.get(region).asLong();
        }
        Map<String, Long> sent = sandbox.stats().totalByRegion("AssumeRole");
        assertThat(sent.keySet()).containsExactlyInAnyOrderElementsOf(REGIONS);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(3000);
        // The ten accounts were refused in a region they have not enabled, then served in ap-southeast-2;
        // a disabled region is not tried twice for one account.
        long refused = sandbox.stats().errors("AssumeRole").getOrDefault("RegionDisabledException", 0L);
        assertThat(refused).isBetween(1L, 30L);
        assertThat(calls).isEqualTo(3000 + refused);
        assertThat(r.err()).contains("STS calls by region: us-east-1 ", "3000 of 3000 accounts succeeded");
    }
}
