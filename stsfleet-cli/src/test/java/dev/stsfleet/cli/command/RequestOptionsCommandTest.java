package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source-identity}, {@code --tag}, {@code --transitive-tag}, {@code --policy-arn} and {@code --policy} on
 * every role of a run, as the sandbox saw them ({@code GET /_sandbox/sessions/KEY}); a chained role keeps the
 * source identity and the transitive tag; bad options are exit 2 with no call.
 */
class RequestOptionsCommandTest {
    static final String CI_KEY = "AKIAOPTIONSCI0000001";
    static final String CI_SECRET = "optionsCiSecretKey/doNotUseInAws+000001";
    static final String POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    static final int ROLES = 50;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.builder().model(model()).build();

    @TempDir
    Path dir;

    private static SandboxModel model() {
        SandboxModel.Builder m = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/ci", CI_KEY, CI_SECRET, null, null));
        for (int i = 0; i < ROLES; i++) {
            m.role(new SandboxModel.Role(String.format("arn:aws:iam::2000000000%02d:role/Deploy%02d", i, i),
                    List.of("arn:aws:iam::111111111111:root"), false, null, 3600));
        }
        m.role(new SandboxModel.Role("arn:aws:iam::300000000000:role/Child",
                List.of("arn:aws:iam::200000000000:role/Deploy00"), false, null, 3600));
        return m.build();
    }

    private Map<String, String> env(StsSandbox sandbox) throws Exception {
        StringBuilder config = new StringBuilder("[profile ci]\nregion = us-east-1\n\n");
        for (int i = 0; i < ROLES; i++) {
            config.append(String.format("[profile deploy%02d]%nrole_arn = arn:aws:iam::2000000000%02d:role/Deploy%02d%n"
                    + "source_profile = ci%n%n", i, i, i));
        }
        config.append("[profile child]\nrole_arn = arn:aws:iam::300000000000:role/Child\nsource_profile = deploy00\n");
        Files.writeString(dir.resolve("config"), config);
        Files.writeString(dir.resolve("credentials"), "[ci]\naws_access_key_id = " + CI_KEY
                + "\naws_secret_access_key = " + CI_SECRET + "\n");
        Files.writeString(dir.resolve("policy.json"), "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
                + "\"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}\n");
        Map<String, String> env = Cli.awsEnv(dir, sandbox.endpoint());
        return env;
    }

    private List<String> options() {
        return List.of("--source-identity", "alice", "--tag", "team=core", "--tag", "cost-center=42",
                "--transitive-tag", "team", "--policy-arn", POLICY_ARN, "--policy", dir.resolve("policy.json").toString());
    }

    @Test
    void generate_fiftyRolesAndAChainedOne_everySessionCarriesTheOptions_theChainedOneKeepsIdentityAndTransitiveTag(
            StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox);
        List<String> args = new ArrayList<>(List.of("generate", "--format", "json"));
        args.addAll(options());
        for (int i = 0; i < ROLES; i++) {
            args.add(String.format("deploy%02d", i));
        }
        args.add("child");

        Cli.Result r = Cli.run(env, args.toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ROLES + 1);
        JsonNode credentials = JSON.readTree(r.out()).get("credentials");
        assertThat(credentials.size()).isEqualTo(ROLES + 1);
        for (Iterator<Map.Entry<String, JsonNode>> it = credentials.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode session = session(sandbox, e.getValue().get("AccessKeyId").asText());
            assertThat(session.get("sourceIdentity").asText()).as(e.getKey()).isEqualTo("alice");
            assertThat(session.get("tags").get("team").asText()).as(e.getKey()).isEqualTo("core");
            assertThat(session.get("tags").get("cost-center").asText()).as(e.getKey()).isEqualTo("42");
            assertThat(session.get("transitiveTagKeys").toString()).as(e.getKey()).isEqualTo("[\"team\"]");
            assertThat(session.get("policyArns").toString()).as(e.getKey()).isEqualTo("[\"" + POLICY_ARN + "\"]");
            assertThat(session.get("policy").asText()).as(e.getKey()).contains("s3:GetObject");
        }
        JsonNode child = session(sandbox, credentials.get("sts-child").get("AccessKeyId").asText());
        assertThat(child.get("chained").asBoolean()).isTrue();
        assertThat(child.get("roleArn").asText()).isEqualTo("arn:aws:iam::300000000000:role/Child");
    }

    @Test
    void write_env_and_keepFresh_carryTheOptionsToo(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox);
        List<String> write = new ArrayList<>(List.of("write", "deploy01", "deploy02"));
        write.addAll(options());
        Cli.Result w = Cli.run(env, write.toArray(String[]::new));
        assertThat(w.exit()).as(w.toString()).isZero();
        String file = Files.readString(dir.resolve("credentials"));
        String key = file.substring(file.indexOf("[sts-deploy01]")).split("aws_access_key_id = ")[1].split("\n")[0].trim();
        assertThat(session(sandbox, key).get("sourceIdentity").asText()).isEqualTo("alice");

        List<String> envArgs = new ArrayList<>(List.of("env", "--no-cache", "child"));
        envArgs.addAll(options());
        Cli.Result e = Cli.run(env, envArgs.toArray(String[]::new));
        assertThat(e.exit()).as(e.toString()).isZero();
        String envKey = e.out().split("AWS_ACCESS_KEY_ID=")[1].split("\n")[0].replace("'", "").replace("\"", "").trim();
        JsonNode child = session(sandbox, envKey);
        assertThat(child.get("sourceIdentity").asText()).isEqualTo("alice");
        assertThat(child.get("tags").get("team").asText()).isEqualTo("core");
    }

    @Test
    void crossAccount_carriesTheOptionsToEveryAccount_andRefusesBadOnesBeforeAnyCall(StsSandbox sandbox) throws Exception {
        Map<String, String> env = env(sandbox);
        List<String> args = new ArrayList<>(List.of("cross-account", "--base-profile", "ci", "--role", "Deploy03",
                "--accounts", "200000000003", "--format", "json"));
        args.addAll(options());
        Cli.Result r = Cli.run(env, args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode credentials = JSON.readTree(r.out()).get("credentials");
        JsonNode session = session(sandbox, credentials.elements().next().get("AccessKeyId").asText());
        assertThat(session.get("sourceIdentity").asText()).isEqualTo("alice");
        assertThat(session.get("tags").get("team").asText()).isEqualTo("core");
        assertThat(session.get("policyArns").toString()).contains(POLICY_ARN);

        sandbox.resetStats();
        Cli.Result bad = Cli.run(env, "cross-account", "--base-profile", "ci", "--role", "Deploy03",
                "--accounts", "200000000003", "--transitive-tag", "team");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("transitive tag key 'team' is not one of the session tags");
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void fiftyOneTags_orABadIdentity_orATransitiveKeyNotTagged_exit2_everyProblemInOneLine_noCall(StsSandbox sandbox)
            throws Exception {
        Map<String, String> env = env(sandbox);
        List<String> args = new ArrayList<>(List.of("generate", "--format", "json", "--source-identity", "aws:alice",
                "--transitive-tag", "owner", "deploy00", "nosuchprofile"));
        for (int i = 0; i < 51; i++) {
            args.add("--tag");
            args.add("k" + i + "=v");
        }
        Cli.Result r = Cli.run(env, args.toArray(String[]::new));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("51 session tags given (AWS allows at most 50)")
                .contains("source identity 'aws:alice' must not start with aws:")
                .contains("transitive tag key 'owner' is not one of the session tags")
                .contains("unknown profile nosuchprofile");
        assertThat(sandbox.stats().total("AssumeRole")).isZero();

        Cli.Result bad = Cli.run(env, "write", "deploy00", "--source-identity", "a b");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("source identity 'a b' must be 2 to 64 characters");
        Cli.Result tagless = Cli.run(env, "env", "deploy00", "--tag", "team");
        assertThat(tagless.exit()).isEqualTo(2);
        assertThat(tagless.err()).contains("--tag team: give KEY=VALUE");
        for (String command : List.of("keep-fresh", "serve")) {
            Cli.Result r2 = Cli.run(env, command, "deploy00", "--lifetime", "1h", "--policy-arn", "not-an-arn",
                    "--source-identity", "x");
            assertThat(r2.exit()).as(command + ": " + r2).isEqualTo(2);
            assertThat(r2.err()).as(command).contains("'not-an-arn' is not a managed policy ARN")
                    .contains("source identity 'x' must be 2 to 64 characters");
        }
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    static JsonNode session(StsSandbox sandbox, String accessKeyId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sandbox.endpoint() + "/_sandbox/sessions/" + accessKeyId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
