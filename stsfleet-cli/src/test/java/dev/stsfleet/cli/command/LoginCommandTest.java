package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet login} against the sandbox's federation endpoint. */
class LoginCommandTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    private Fleets start(boolean mfa) throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 2, mfa);
        sandbox = sts.start(fleet.model());
        return fleet;
    }

    private String federation() {
        return sandbox.endpoint() + "/federation";
    }

    @Test
    void login_printsAnActionLoginUrl_withIssuerDestination_andASigninTokenTheSandboxHonours() throws Exception {
        Fleets fleet = start(false);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "login", "ops0", "--signin-endpoint", federation(),
                "--issuer", "my-portal", "--destination", "https://console.aws.amazon.com/s3/", "--duration", "2h");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).hasLineCount(1);
        URI url = URI.create(r.out().strip());
        Map<String, String> query = query(url);
        assertThat(url.toString()).startsWith(federation() + "?");
        assertThat(query).containsEntry("Action", "login").containsEntry("Issuer", "my-portal")
                .containsEntry("Destination", "https://console.aws.amazon.com/s3/").containsKey("SigninToken");
        assertThat(r.err()).doesNotContain(query.get("SigninToken"));
        assertThat(sandbox.stats().ok("getSigninToken")).isEqualTo(1);

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(":assumed-role/Ops0/");
    }

    @Test
    void oneProfile_usesTheRoleCacheTheOtherSingleRoleCommandsShare_noCacheAndRefreshBypassIt() throws Exception {
        Fleets fleet = start(false);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        assertThat(Cli.run(env, "env", "ops0").exit()).isZero();
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
        for (int i = 0; i < 2; i++) {
            Cli.Result r = Cli.run(env, "login", "ops0", "--signin-endpoint", federation());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith(federation() + "?Action=login&").hasLineCount(1);
        }
        assertThat(sandbox.stats().total("AssumeRole")).as("env's cached credentials served both").isEqualTo(1);
        assertThat(sandbox.stats().ok("getSigninToken")).isEqualTo(2);

        assertThat(Cli.run(env, "login", "ops0", "--no-cache", "--signin-endpoint", federation()).exit()).isZero();
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(2);
        assertThat(Cli.run(env, "login", "ops0", "--refresh", "--signin-endpoint", federation()).exit()).isZero();
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(3);
        // What --refresh stored now answers env.
        assertThat(Cli.run(env, "env", "ops0").exit()).isZero();
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(3);
    }

    @Test
    void severalProfiles_oneUrlPerLine_prefixedByTheProfile() throws Exception {
        Fleets fleet = start(false);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "login", "ops0", "ops1",
                "--signin-endpoint", federation());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2)
                .satisfiesExactly(l -> assertThat(l).startsWith("ops0 " + federation() + "?Action=login&"),
                        l -> assertThat(l).startsWith("ops1 " + federation() + "?Action=login&"));
    }

    @Test
    void roleChainedCredentials_overOneHour_refusedBeforeAnyCall_sayingWhy() throws Exception {
        Fleets fleet = start(true);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "login", "ops0", "--signin-endpoint", federation(),
                "--duration", "2h", "--mfa-code", sandbox.totp(Fleets.MFA));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("role chaining").contains("one hour").hasLineCount(1);
        assertThat(r.out()).isEmpty();
        assertThat(sandbox.stats().total("GetSessionToken")).isZero();
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void roleChainedCredentials_oneHour_signIn() throws Exception {
        Fleets fleet = start(true);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "login", "ops0", "--signin-endpoint", federation(),
                "--duration", "1h", "--mfa-code", sandbox.totp(Fleets.MFA));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sandbox.stats().ok("getSigninToken")).isEqualTo(1);
    }

    @Test
    void federationRefusal_isOneClearLine_exit1() throws Exception {
        Fleets fleet = start(false);
        // moto-like: an endpoint that is not the federation endpoint answers 404.
        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "login", "ops0", "--signin-endpoint",
                sandbox.endpoint() + "/federation-nope");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("stsfleet: error: ").contains("federation endpoint").hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void open_withoutDesktopOrXdgOpen_printsTheUrl() throws Exception {
        Fleets fleet = start(false);
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("PATH", dir.toString()); // no xdg-open; the test JVM has no display

        Cli.Result r = Cli.run(env, "login", "ops0", "--open", "--signin-endpoint", federation());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith(federation() + "?Action=login&").hasLineCount(1);
        assertThat(r.err()).contains("no desktop browser found; printing the URL").doesNotContain("SigninToken");
    }

    @Test
    void badInput_exit2_noCall() throws Exception {
        Fleets fleet = start(false);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        assertThat(Cli.run(env, "login", "ops0", "--duration", "10m").exit()).isEqualTo(2);
        assertThat(Cli.run(env, "login", "ops0", "--duration", "13h").exit()).isEqualTo(2);
        assertThat(Cli.run(env, "login", "ops0", "--destination", "javascript:alert(1)").exit()).isEqualTo(2);
        assertThat(Cli.run(env, "login", "ops0", "--signin-endpoint", "ftp://x").exit()).isEqualTo(2);
        assertThat(Cli.run(env, "login", "nosuch").exit()).isEqualTo(2);
        Cli.Result user = Cli.run(env, "login", Fleets.SOURCE);
        assertThat(user.exit()).isEqualTo(2);
        assertThat(user.err()).contains("holds an IAM user's keys").contains("name a role profile").hasLineCount(1);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }
}
