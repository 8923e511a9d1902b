package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.sandbox.junit.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The README's "From CI: one OIDC token, every account" config works as written (the token file moved here). */
class ReadmeCiConfigTest {
    static final TestIdentityProvider GITHUB = TestIdentityProvider.create("token.actions.githubusercontent.com");
    static final String CI_ROLE = "arn:aws:iam::111111111111:role/github-ci";

    final TestClock clock = new TestClock();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().clock(clock).model(SandboxModel.builder()
            .oidcProvider(GITHUB.provider("111111111111", "sts.amazonaws.com"))
            .role(new SandboxModel.Role(CI_ROLE, List.of(GITHUB.arn("111111111111")), false, null, 3600,
                    List.of("repo:my-org/*")))
            .role(new SandboxModel.Role("arn:aws:iam::222222222222:role/deploy", List.of(CI_ROLE), false, null, 3600))
            .role(new SandboxModel.Role("arn:aws:iam::333333333333:role/deploy", List.of(CI_ROLE), false, null, 3600))
            .build()).build();

    @TempDir
    Path dir;

    @Test
    void theReadmeConfig_withItsCommandsOptions_givesEveryRole(StsSandbox sandbox) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("### From CI: one OIDC token, every account"));
        String config = section.substring(section.indexOf("```ini\n") + 7, section.indexOf("```\n", section.indexOf("```ini\n") + 7));
        Path token = dir.resolve("oidc-token");
        Files.writeString(token, GITHUB.token("repo:my-org/app:ref:refs/heads/main", "sts.amazonaws.com",
                clock.instant().plus(Duration.ofMinutes(10))));
        assertThat(config).contains("web_identity_token_file = /tmp/oidc-token");
        Files.writeString(dir.resolve("config"), config.replace("/tmp/oidc-token", token.toString()));
        Files.writeString(dir.resolve("credentials"), "");
        Map<String, String> env = Cli.awsEnv(dir, sandbox.endpoint());

        Cli.Result r = Cli.run(env, clock, "generate", "--all", "--format", "json", "--source-identity", "octocat",
                "--tag", "repo=my-org/app", "--transitive-tag", "repo", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode credentials = new ObjectMapper().readTree(r.out()).get("credentials");
        assertThat(credentials.size()).isEqualTo(2);
        assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isEqualTo(1);
        JsonNode prod = RequestOptionsCommandTest.session(sandbox,
                credentials.get("sts-prod-deploy").get("AccessKeyId").asText());
        assertThat(prod.get("sourceIdentity").asText()).isEqualTo("octocat");
        assertThat(prod.get("tags").get("repo").asText()).isEqualTo("my-org/app");
    }
}
