package dev.stsfleet.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.TestClock;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.ProfileFile;

/** Identity Center sign-in, token cache and portal against the sandbox over HTTP on 127.0.0.1. */
class IdentityCenterTest {
    static final SsoSession SESSION = new SsoSession("corp", "https://sandbox.awsapps.com/start", "us-east-1",
            List.of("sso:account:access"));

    /** Shows nothing; records the user code; approves nothing. */
    static class Recorder implements SsoLogin.Prompt {
        final List<String> userCodes = new CopyOnWriteArrayList<>();
        final List<URI> opened = new CopyOnWriteArrayList<>();

        @Override
        public void deviceCode(String uri, String complete, String userCode) {
            userCodes.add(userCode);
        }

        @Override
        public boolean openBrowser(URI url) {
            opened.add(url);
            return true;
        }
    }

    @Test
    void deviceCode_pendingThenApproved_slowDownRaisesTheInterval() {
        TestClock clock = new TestClock();
        List<Duration> sleeps = new ArrayList<>();
        Recorder prompt = new Recorder();
        try (StsSandbox s = StsSandbox.builder().clock(clock).start()) {
            SsoLogin.Sleeper sleeper = d -> {
                sleeps.add(d);
                clock.advance(d);
                String code = prompt.userCodes.get(0);
                if (sleeps.size() == 2) {
                    s.slowDownSso(code);
                } else if (sleeps.size() == 4) {
                    s.approveSso(code, "bob");
                }
            };
            try (SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).clock(clock).sleeper(sleeper).build()) {
                SsoToken token = login.deviceLogin(SESSION, prompt);
                assertThat(prompt.userCodes).hasSize(1);
                // pending, slow_down (interval 1 -> 6 s), pending, approved
                assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(6),
                        Duration.ofSeconds(6));
                assertThat(token.refreshToken()).isNotNull();
                assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
                assertThat(token.toString()).doesNotContain(token.accessToken(), token.refreshToken(), token.clientSecret());
                assertThat(s.stats().errors("CreateToken")).containsEntry("AuthorizationPendingException", 2L)
                        .containsEntry("SlowDownException", 1L);
            }
        }
    }

    @Test
    void deviceCode_expired_isOneClearLoginFailure() {
        TestClock clock = new TestClock();
        try (StsSandbox s = StsSandbox.builder().clock(clock).start();
             SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).clock(clock)
                     .sleeper(d -> clock.advance(Duration.ofMinutes(4))).build()) {
            assertThatThrownBy(() -> login.deviceLogin(SESSION, new Recorder()))
                    .isInstanceOf(SsoLoginException.class)
                    .hasMessage("the device code expired before the sign-in was approved; run sso login again");
        }
    }

    @Test
    void pkce_loopbackCallback_givesARefreshableToken() {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start();
             SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).build()) {
            HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
            SsoLogin.Prompt prompt = new Recorder() {
                @Override
                public boolean openBrowser(URI url) {
                    assertThat(url.toString()).startsWith(s.endpoint() + "/authorize?response_type=code&client_id=")
                            .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A", "code_challenge_method=S256");
                    Thread t = new Thread(() -> {
                        try {
                            browser.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                    return true;
                }
            };
            SsoToken token = login.authorizationCodeLogin(SESSION, prompt);
            assertThat(token.refreshToken()).isNotNull();
            assertThat(token.clientId()).isNotNull();
            assertThat(s.stats().ok("Authorize")).isEqualTo(1);
        }
    }

    @Test
    void tokenCache_awsCliFormat_sha1OfTheSessionName_0600_andReadsWhatTheAwsCliWrites(@TempDir Path home) throws Exception {
        SsoTokenCache cache = SsoTokenCache.inHome(java.util.Map.of("HOME", home.toString()));
        // The AWS CLI's cache key: sha1("corp").
        assertThat(cache.directory()).isEqualTo(home.resolve(".aws/sso/cache"));
        assertThat(cache.file(SESSION).getFileName().toString()).isEqualTo(SsoSession.sha1("corp") + ".json");
        assertThat(SsoSession.sha1("corp")).isEqualTo(sha1Hex("corp"));
        // As botocore writes it (legacy: no refresh fields; times with Z, whole seconds).
        Files.createDirectories(cache.directory());
        Files.writeString(cache.file(SESSION), "{\"startUrl\": \"https://sandbox.awsapps.com/start\", \"region\": "
                + "\"us-east-1\", \"accessToken\": \"cli-written-token\", \"expiresAt\": \"2030-01-02T03:04:05Z\", "
                + "\"clientId\": \"c\", \"clientSecret\": \"s\", \"registrationExpiresAt\": \"2030-03-01T00:00:00.000+00:00\","
                + " \"refreshToken\": \"r\", \"somethingNew\": 1}");
        SsoToken read = cache.read(SESSION).orElseThrow();
        assertThat(read.accessToken()).isEqualTo("cli-written-token");
        assertThat(read.expiresAt()).isEqualTo(java.time.Instant.parse("2030-01-02T03:04:05Z"));
        cache.write(SESSION, read);
        assertThat(Files.getPosixFilePermissions(cache.file(SESSION))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(cache.file(SESSION))).contains("\"expiresAt\":\"2030-01-02T03:04:05Z\"",
                "\"registrationExpiresAt\":\"2030-03-01T00:00:00Z\"", "\"refreshToken\":\"r\"", "\"clientSecret\":\"s\"",
                "\"startUrl\":\"https://sandbox.awsapps.com/start\"", "\"region\":\"us-east-1\"");
        assertThat(cache.delete(SESSION)).isTrue();
        assertThat(cache.read(SESSION)).isEmpty();
    }

    @Test
    void tokens_refreshFiveMinutesBeforeTheEnd_andWriteTheNewTokenBack(@TempDir Path home) {
        TestClock clock = new TestClock();
        try (StsSandbox s = StsSandbox.builder().clock(clock).ssoAutoApprove(true).start();
             SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).clock(clock).sleeper(clock::advance).build()) {
            SsoTokenCache cache = new SsoTokenCache(home);
            SsoToken first = login.deviceLogin(SESSION, new Recorder());
            cache.write(SESSION, first);
            SsoTokens tokens = new SsoTokens(SESSION, cache, login, clock);
            assertThat(tokens.accessToken()).isEqualTo(first.accessToken());
            clock.advance(Duration.ofMinutes(54));
            assertThat(tokens.accessToken()).isEqualTo(first.accessToken());
            clock.advance(Duration.ofMinutes(2)); // 4 minutes left: refreshed
            String second = tokens.accessToken();
            assertThat(second).isNotEqualTo(first.accessToken());
            assertThat(cache.read(SESSION).orElseThrow().accessToken()).isEqualTo(second);
            assertThat(tokens.refreshes()).isEqualTo(1);
        }
    }

    @Test
    void portal_selectsEveryPair_andGeneratesThroughTheBulkEngine_withCredentialsValidOnSts(@TempDir Path home) {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start();
             SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).sleeper(d -> { }).build()) {
            SsoToken token = login.deviceLogin(SESSION, new Recorder());
            try (IdentityCenterPortal portal = IdentityCenterPortal.builder().endpoint(s.endpoint())
                    .accessToken(token::accessToken).build()) {
                List<IdentityCenterPortal.AccountRole> pairs = portal.select(null, null);
                assertThat(pairs).extracting(IdentityCenterPortal.AccountRole::name).containsExactly(
                        "222222222222-AdministratorAccess", "222222222222-ReadOnlyAccess", "333333333333-ReadOnlyAccess");
                assertThat(portal.select(List.of("333333333333"), null)).hasSize(1);
                assertThat(portal.select(null, List.of("ReadOnlyAccess"))).hasSize(2);
                assertThatThrownBy(() -> portal.select(List.of("999999999999"), null))
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("account 999999999999 is not among");
                FleetResult r = portal.generate(pairs, p -> "sts-" + p.accountName() + "-" + p.roleName(),
                        OutputFormat.VAULT, (x, d, t) -> { });
                assertThat(r.allSucceeded()).isTrue();
                assertThat(r.credentials()).containsOnlyKeys("sts-deploy-AdministratorAccess", "sts-deploy-ReadOnlyAccess",
                        "sts-readonly-ReadOnlyAccess");
                RoleCredentials c = r.credentials().get("sts-readonly-ReadOnlyAccess");
                assertThat(c.toString()).doesNotContain(c.credentials().secretAccessKey(), c.credentials().sessionToken());
                try (var sts = software.amazon.awssdk.services.sts.StsClient.builder().endpointOverride(s.endpoint())
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                c.credentials().toSdkCredentials())).build()) {
                    assertThat(sts.getCallerIdentity().arn()).matches(
                            "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}/alice");
                }
                assertThatThrownBy(() -> portal.roleCredentials("333333333333", "AdministratorAccess"))
                        .isInstanceOfSatisfying(StsCallException.class, e -> assertThat(e.code()).isEqualTo("ForbiddenException"))
                        .hasMessage("ForbiddenException: IAM Identity Center refused GetRoleCredentials: No access")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token.accessToken()));
            }
        }
    }

    @Test
    void portal_atTheSandboxRate_losesNoPair_andKeeps429sRare() {
        // 12 accounts x 2 roles + listing = 37 calls at 40/s: about 0.9 s.
        dev.stsfleet.sandbox.SandboxModel.Builder m = dev.stsfleet.sandbox.SandboxModel.builder();
        List<dev.stsfleet.sandbox.SandboxModel.SsoAccount> accounts = new ArrayList<>();
        List<dev.stsfleet.sandbox.SandboxModel.SsoAssignment> assignments = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = String.format("%012d", 100000000000L + i);
            accounts.add(new dev.stsfleet.sandbox.SandboxModel.SsoAccount(id, "acct" + i, null));
            assignments.add(new dev.stsfleet.sandbox.SandboxModel.SsoAssignment("alice", id, "Admin"));
            assignments.add(new dev.stsfleet.sandbox.SandboxModel.SsoAssignment("alice", id, "Read"));
        }
        m.identityCenter(new dev.stsfleet.sandbox.SandboxModel.IdentityCenter(SESSION.startUrl(), "us-east-1",
                List.of(new dev.stsfleet.sandbox.SandboxModel.SsoUser("alice")), accounts, assignments));
        try (StsSandbox s = StsSandbox.builder().model(m.build()).ssoRps(40).ssoAutoApprove(true).start();
             SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).sleeper(d -> { }).build()) {
            SsoToken token = login.deviceLogin(SESSION, new Recorder());
            try (IdentityCenterPortal portal = IdentityCenterPortal.builder().endpoint(s.endpoint()).rate(40)
                    .concurrency(16).accessToken(token::accessToken).build()) {
                FleetResult r = portal.generate(portal.select(null, null), p -> "sts-" + p.name(), OutputFormat.VAULT,
                        (x, d, t) -> { });
                assertThat(r.succeeded()).isEqualTo(24);
                assertThat(portal.throttled()).isLessThanOrEqualTo(2);
                assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(24);
            }
        }
    }

    @Test
    void config_everyProblemAtOnce_missingRegion_andASessionThatNamesNoSection() {
        String text = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\n"
                + "[sso-session noregion]\nsso_start_url = https://x.awsapps.com/start\n\n"
                + "[profile a]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n\n"
                + "[profile b]\nsso_session = missing\n\n"
                + "[profile c]\nsso_session = noregion\n\n"
                + "[profile d]\nsso_start_url = https://y.awsapps.com/start\nsso_account_id = 12\nsso_role_name = R\n";
        ProfileFile f = ProfileFile.builder().content(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                .type(ProfileFile.Type.CONFIGURATION).build();
        SsoConfig c = SsoConfig.of(f);
        assertThat(c.problems()).containsExactly(
                "sso-session corp: sso_region is missing",
                "sso-session noregion: sso_region is missing",
                "profile b: sso_session missing names no [sso-session missing] section",
                "profile d: sso_region is missing",
                "profile d: sso_account_id '12' is not a 12-digit account id");
        assertThatThrownBy(c::requireValid).isInstanceOf(InvalidInputException.class);
    }

    private static String sha1Hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
