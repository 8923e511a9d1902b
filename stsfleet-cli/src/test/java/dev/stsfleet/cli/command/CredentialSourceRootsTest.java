package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.Main;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code credential_source = Environment | Ec2InstanceMetadata | EcsContainer} as the root of a bulk run, each
 * through its real source: variables, the sandbox's IMDSv2 (the SDK's InstanceProfileCredentialsProvider), and a
 * running {@code stsfleet serve} (the SDK's ContainerCredentialsProvider in a separate process, reading its
 * variables). AWS caps a role assumed with temporary credentials at one hour; from long-term keys it does not.
 */
class CredentialSourceRootsTest {
    static final String KEY = "AKIASOURCEUSER000001";
    static final String SECRET = "sourceUserSecretKey/doNotUseInAws+00001";
    static final String INSTANCE_ROLE = "arn:aws:iam::111111111111:role/InstanceRole";
    static final String BASE = "arn:aws:iam::111111111111:role/Base";
    static final int ROLES = 5;

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    private Process serve;

    @AfterEach
    void stopServe() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static SandboxModel model() {
        SandboxModel.Builder m = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/ci", KEY, SECRET, null, null))
                .role(new SandboxModel.Role(INSTANCE_ROLE, List.of("111111111111"), false, null, 3600))
                .role(new SandboxModel.Role(BASE, List.of("111111111111"), false, null, 3600));
        for (int i = 0; i < ROLES; i++) {
            m.role(new SandboxModel.Role(target(i), List.of("111111111111"), false, null, 43200));
        }
        return m.build();
    }

    static String target(int i) {
        return "arn:aws:iam::40000000000" + i + ":role/Target" + i;
    }

    private Map<String, String> files(StsSandbox sandbox, String credentialSource) throws Exception {
        StringBuilder config = new StringBuilder("[profile base]\nrole_arn = " + BASE + "\nsource_profile = ci\n\n");
        for (int i = 0; i < ROLES; i++) {
            config.append("[profile t").append(i).append("]\nrole_arn = ").append(target(i))
                    .append("\ncredential_source = ").append(credentialSource).append("\nduration_seconds = 7200\n\n");
        }
        Files.writeString(dir.resolve("config"), config);
        Files.writeString(dir.resolve("credentials"), "[ci]\naws_access_key_id = " + KEY + "\naws_secret_access_key = "
                + SECRET + "\n");
        Map<String, String> env = Cli.awsEnv(dir, sandbox.endpoint());
        return env;
    }

    private static List<String> targets() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ROLES; i++) {
            names.add("t" + i);
        }
        return names;
    }

    @Test
    void environment_longTermKeys_rootOfABulkRun_notChained_soTwoHourSessions() throws Exception {
        StsSandbox sandbox = sts.start(b -> b.model(model()));
        Map<String, String> env = files(sandbox, "Environment");
        env.put("AWS_ACCESS_KEY_ID", KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        List<String> args = new ArrayList<>(List.of("generate", "--format", "json", "--debug"));
        args.addAll(targets());
        Cli.Result r = Cli.run(env, args.toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ROLES);
        JsonNode session = session(sandbox, r.out(), "sts-t0");
        assertThat(session.get("chained").asBoolean()).isFalse();
        assertThat(Instant.parse(session.get("expiration").asText())).isAfter(Instant.now().plusSeconds(7000));
        assertThat(r.err()).doesNotContain(SECRET);
    }

    @Test
    void ec2InstanceMetadata_throughTheSdksProvider_atTheSandboxImdsV2_oneFetch_rolesChainedToOneHour() throws Exception {
        StsSandbox sandbox = sts.start(b -> b.model(model()).instanceRole(INSTANCE_ROLE));
        Map<String, String> env = files(sandbox, "Ec2InstanceMetadata");
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", sandbox.endpoint().toString());
        List<String> args = new ArrayList<>(List.of("--debug", "generate", "--format", "json"));
        args.addAll(targets());
        Cli.Result r = Cli.run(env, args.toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("InstanceMetadataCredentials")).isEqualTo(1);
        assertThat(sandbox.stats().ok("InstanceMetadataToken")).isGreaterThanOrEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ROLES);
        JsonNode session = session(sandbox, r.out(), "sts-t3");
        assertThat(session.get("chained").asBoolean()).isTrue();
        assertThat(Instant.parse(session.get("expiration").asText())).isBefore(Instant.now().plusSeconds(3700));
    }

    @Test
    @Timeout(120)
    void ecsContainer_pointedAtARunningServe_isTheRootOfABulkRunInAnotherProcess() throws Exception {
        StsSandbox sandbox = sts.start(b -> b.model(model()));
        Map<String, String> env = files(sandbox, "EcsContainer");
        List<String> command = new ArrayList<>(List.of(Processes.JAVA.toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "base", "--lifetime", "1h", "--format", "env"));
        ProcessBuilder pb = Processes.builder(env, command).redirectOutput(dir.resolve("serve.out").toFile())
                .redirectError(dir.resolve("serve.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        serve = pb.start();
        Map<String, String> exports = awaitExports(dir.resolve("serve.out"));

        Map<String, String> child = new LinkedHashMap<>(env);
        child.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", exports.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
        child.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", exports.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        List<String> args = new ArrayList<>(List.of("--debug", "generate", "--format", "json"));
        args.addAll(targets());
        Processes.Run r = Processes.stsfleet(dir, child, args.toArray(String[]::new));

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode session = session(sandbox, r.out(), "sts-t1");
        assertThat(session.get("chained").asBoolean()).isTrue();
        // The base role's session served by `serve` is the caller: Target1 was assumed by a Base role session.
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(ROLES + 1);
        assertThat(Instant.parse(session.get("expiration").asText())).isBefore(Instant.now().plusSeconds(3700));
        assertThat(r.err()).contains("profile t1: duration_seconds 7200 clamped to 3600 (AWS caps role chaining at one hour)")
                .contains("AssumeRole with the credentials of credential_source = EcsContainer (ECS container)")
                .doesNotContain(exports.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }

    private Map<String, String> awaitExports(Path out) throws Exception {
        Pattern line = Pattern.compile("export (AWS_CONTAINER_\\w+)='([^']+)'");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && serve.isAlive()) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (text.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
                Map<String, String> exports = new LinkedHashMap<>();
                for (String l : text.split("\n")) {
                    Matcher m = line.matcher(l);
                    if (m.matches()) {
                        exports.put(m.group(1), m.group(2));
                    }
                }
                return exports;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve printed no exports: " + Files.readString(dir.resolve("serve.err")));
    }

    private static JsonNode session(StsSandbox sandbox, String json, String key) throws Exception {
        JsonNode credentials = new ObjectMapper().readTree(json).get("credentials");
        assertThat(credentials.size()).isEqualTo(ROLES);
        return RequestOptionsCommandTest.session(sandbox, credentials.get(key).get("AccessKeyId").asText());
    }
}
