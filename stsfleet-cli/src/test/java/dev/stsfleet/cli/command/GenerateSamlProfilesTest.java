package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.SamlIdpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate} over a config mixing STS role profiles and SAML-backed profiles ({@code x_stsfleet_saml_url}):
 * a real IdP (npm saml-idp) behind a counting loopback proxy, so the test sees how many logins were made, and
 * the strict sandbox, which verifies the assertion's signature.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GenerateSamlProfilesTest {
    private static final String PASSWORD = "pr0file-Pa55-Not-In-Output";
    private static final String USER_ARN = "arn:aws:iam::111111111111:user/alice";
    private static final String ACCESS_KEY = "AKIASAMLPROFILES0001";
    private static final String SECRET = "samlProfilesSecretKey/doNotUseInAws+000001";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private static SamlIdpServer idp;
    private static CountingProxy proxy;

    @BeforeAll
    static void start() throws IOException {
        idp = SamlIdpServer.builder().start();
        proxy = new CountingProxy(idp.baseUri());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    private static SandboxModel model() {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, ACCESS_KEY, SECRET, null, null));
        for (String account : List.of("222222222222", "333333333333")) {
            String provider = "arn:aws:iam::" + account + ":saml-provider/TestIdP";
            model.samlProvider(new SandboxModel.SamlProvider(provider, idp.signingCertificatePem()));
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/Deploy", List.of(provider), false, null, 3600));
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/Ops", List.of("arn:aws:iam::111111111111:root"),
                    false, null, 3600));
        }
        return model.build();
    }

    /** Two STS role profiles and two SAML-backed profiles (one by role_arn, one by account and role name). */
    private static String config(String extra) {
        String url = proxy.uri().resolve("/").toString();
        return "[profile alice]\nregion = us-east-1\n\n"
                + "[profile ops-a]\nrole_arn = arn:aws:iam::222222222222:role/Ops\nsource_profile = alice\n\n"
                + "[profile ops-b]\nrole_arn = arn:aws:iam::333333333333:role/Ops\nsource_profile = alice\n\n"
                + "[profile saml-a]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nx_stsfleet_saml_url = " + url
                + "\nx_stsfleet_saml_user = alice\nduration_seconds = 1800\n\n"
                + "[profile saml-b]\nx_stsfleet_saml_url = " + url + "\nx_stsfleet_saml_user = alice\n"
                + "x_stsfleet_saml_login = form\nx_stsfleet_saml_role = Deploy\nx_stsfleet_saml_account = 333333333333\n"
                + "x_stsfleet_saml_principal_arn = arn:aws:iam::333333333333:saml-provider/TestIdP\n\n"
                + extra;
    }

    private static Map<String, String> env(Path dir, StsSandbox sandbox, String extra) throws IOException {
        Files.writeString(dir.resolve("config"), config(extra));
        Files.writeString(dir.resolve("credentials"), "[alice]\naws_access_key_id = " + ACCESS_KEY
                + "\naws_secret_access_key = " + SECRET + "\n");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString());
        env.put("HOME", dir.toString());
        return env;
    }

    @Test
    void all_mixingStsAndSamlProfiles_givesEveryCredential_withOneIdpLogin(@TempDir Path dir) throws Exception {
        try (StsSandbox sandbox = sts.start(model())) {
            proxy.reset();
            Cli.Result r = SamlCommandTest.run(env(dir, sandbox, ""), PASSWORD + "\n",
                    "generate", "--all", "--password-stdin", "--format", "boto");

            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode boto = new ObjectMapper().readTree(r.out());
            assertThat(GenerateCommandTest.keys(boto)).containsExactly("sts-ops-a", "sts-ops-b", "sts-saml-a", "sts-saml-b");
            assertThat(GenerateCommandTest.callerArn(sandbox.endpoint(), boto.get("sts-saml-a")))
                    .startsWith("arn:aws:sts::222222222222:assumed-role/Deploy/");
            assertThat(GenerateCommandTest.callerArn(sandbox.endpoint(), boto.get("sts-saml-b")))
                    .startsWith("arn:aws:sts::333333333333:assumed-role/Deploy/");
            assertThat(GenerateCommandTest.callerArn(sandbox.endpoint(), boto.get("sts-ops-b")))
                    .startsWith("arn:aws:sts::333333333333:assumed-role/Ops/");
            assertThat(proxy.logins()).as("GETs of the IdP's sign-on page").isEqualTo(1);
            assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isEqualTo(2);
            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2);
            assertThat(r.err()).contains("4 of 4 profiles succeeded").doesNotContain(PASSWORD);
            assertThat(r.out()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void samlProfile_whoseRoleIsNotInTheAssertion_failsTyped_andTheOthersSucceed_exit1(@TempDir Path dir)
            throws Exception {
        try (StsSandbox sandbox = sts.start(model())) {
            proxy.reset();
            String missing = "[profile saml-missing]\nrole_arn = arn:aws:iam::222222222222:role/Missing\n"
                    + "x_stsfleet_saml_url = " + proxy.uri().resolve("/") + "\nx_stsfleet_saml_user = alice\n";
            Cli.Result r = SamlCommandTest.run(env(dir, sandbox, missing), PASSWORD,
                    "generate", "--all", "--password-stdin", "--format", "json");

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("profile saml-missing failed: RoleNotInAssertion")
                    .contains("4 of 5 profiles succeeded").doesNotContain(PASSWORD);
            assertThat(r.out()).contains("sts-ops-a", "sts-ops-b", "sts-saml-a", "sts-saml-b").doesNotContain(PASSWORD);
            assertThat(proxy.logins()).isEqualTo(1);
            assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isEqualTo(2);
        }
    }

    @Test
    void badSamlKeys_areReportedTogether_exit2_withNoCall(@TempDir Path dir) throws Exception {
        try (StsSandbox sandbox = sts.start(model())) {
            proxy.reset();
            String bad = "[profile bad-url]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\n"
                    + "x_stsfleet_saml_url = ftp://idp.example\nx_stsfleet_saml_user = alice\n\n"
                    + "[profile no-user]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\n"
                    + "x_stsfleet_saml_url = " + proxy.uri() + "\n\n"
                    + "[profile bad-arn]\nrole_arn = arn:aws:iam::2222:role/Deploy\n"
                    + "x_stsfleet_saml_url = " + proxy.uri() + "\nx_stsfleet_saml_user = alice\n\n"
                    + "[profile mixed]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nsource_profile = alice\n"
                    + "x_stsfleet_saml_url = " + proxy.uri() + "\nx_stsfleet_saml_user = alice\n";
            Cli.Result r = SamlCommandTest.run(env(dir, sandbox, bad), PASSWORD,
                    "generate", "--all", "--password-stdin");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("profile bad-url: x_stsfleet_saml_url ftp://idp.example is not an http(s) URL",
                    "profile no-user: x_stsfleet_saml_user is missing",
                    "profile bad-arn: role_arn arn:aws:iam::2222:role/Deploy is not a role ARN",
                    "profile mixed is SAML-backed (x_stsfleet_saml_url) and must not have source_profile")
                    .doesNotContain(PASSWORD);
            assertThat(proxy.requests()).isZero();
            assertThat(sandbox.stats().total("AssumeRole") + sandbox.stats().total("AssumeRoleWithSAML")).isZero();
        }
    }

    @Test
    void samlProfile_withoutATerminal_andWithoutPasswordStdin_isOneLine_exit2_withNoCall(@TempDir Path dir)
            throws Exception {
        try (StsSandbox sandbox = sts.start(model())) {
            proxy.reset();
            Cli.Result r = Cli.run(env(dir, sandbox, ""), "generate", "ops-a", "saml-a");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err().strip().lines().toList()).hasSize(1);
            assertThat(r.err()).contains("--password-stdin");
            assertThat(proxy.requests()).isZero();
            assertThat(sandbox.stats().total("AssumeRole") + sandbox.stats().total("AssumeRoleWithSAML")).isZero();
        }
    }

    @Test
    void profiles_listsSamlBackedProfiles_withTheirKeys(@TempDir Path dir) throws Exception {
        try (StsSandbox sandbox = sts.start(model())) {
            Cli.Result r = Cli.run(env(dir, sandbox, ""), "profiles");

            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode doc = new ObjectMapper().readTree(r.out());
            assertThat(GenerateCommandTest.keys(doc)).containsExactly("ops-a", "ops-b", "saml-a", "saml-b");
            assertThat(doc.get("saml-b").get("role_arn").asText()).isEqualTo("arn:aws:iam::333333333333:role/Deploy");
            assertThat(doc.get("saml-b").get("x_stsfleet_saml_user").asText()).isEqualTo("alice");
            assertThat(doc.get("saml-a").get("duration_seconds").asInt()).isEqualTo(1800);
        }
    }

    /** A loopback HTTP proxy in front of the IdP that counts what passes through. */
    static final class CountingProxy implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger logins = new AtomicInteger();
        private static final Set<String> HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
                "upgrade", "expect", "keep-alive");

        CountingProxy(URI target) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> forward(target, exchange));
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "idp-proxy");
                t.setDaemon(true);
                return t;
            }));
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        int requests() {
            return requests.get();
        }

        /** GETs of the sign-on page: each login starts with exactly one. */
        int logins() {
            return logins.get();
        }

        void reset() {
            requests.set(0);
            logins.set(0);
        }

        private void forward(URI target, HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            if ("GET".equals(exchange.getRequestMethod()) && "/".equals(exchange.getRequestURI().getPath())) {
                logins.incrementAndGet();
            }
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().map().forEach((name, values) -> {
                    if (!HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                byte[] out = response.body();
                exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
