package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.sandbox.junit.TestClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.model.AccountInfo;
import software.amazon.awssdk.services.sso.model.RoleCredentials;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.model.AuthorizationPendingException;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;
import software.amazon.awssdk.services.ssooidc.model.ExpiredTokenException;
import software.amazon.awssdk.services.ssooidc.model.InvalidGrantException;
import software.amazon.awssdk.services.ssooidc.model.RegisterClientResponse;
import software.amazon.awssdk.services.ssooidc.model.SlowDownException;
import software.amazon.awssdk.services.ssooidc.model.StartDeviceAuthorizationResponse;
import software.amazon.awssdk.services.sts.StsClient;

/** The Identity Center portal and OIDC, driven by the AWS SDK's own sso and ssooidc clients over HTTP. */
class IdentityCenterTest {
    private static final String START_URL = "https://sandbox.awsapps.com/start";
    private static final String DEVICE = "urn:ietf:params:oauth:grant-type:device_code";
    private final HttpClient http = HttpClient.newHttpClient();

    static SsoOidcClient oidc(StsSandbox s) {
        return SsoOidcClient.builder().endpointOverride(s.endpoint()).region(Region.US_EAST_1)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    static SsoClient portal(StsSandbox s) {
        return SsoClient.builder().endpointOverride(s.endpoint()).region(Region.US_EAST_1)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @Test
    void deviceCode_pendingThenApproved_givesATokenWhoseRoleCredentialsWorkOnSts() {
        try (StsSandbox s = StsSandbox.builder().start(); SsoOidcClient oidc = oidc(s); SsoClient portal = portal(s)) {
            RegisterClientResponse c = oidc.registerClient(r -> r.clientName("test").clientType("public")
                    .scopes("sso:account:access"));
            StartDeviceAuthorizationResponse d = oidc.startDeviceAuthorization(r -> r.clientId(c.clientId())
                    .clientSecret(c.clientSecret()).startUrl(START_URL));
            assertThat(d.interval()).isEqualTo(1);
            assertThat(d.verificationUriComplete()).contains(d.userCode());
            assertThatThrownBy(() -> oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret())
                    .grantType(DEVICE).deviceCode(d.deviceCode())))
                    .isInstanceOf(AuthorizationPendingException.class);
            s.approveSso(d.userCode(), "alice");
            CreateTokenResponse t = oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret())
                    .grantType(DEVICE).deviceCode(d.deviceCode()));
            assertThat(t.refreshToken()).isNotBlank();
            assertThat(t.expiresIn()).isEqualTo(3600);

            List<AccountInfo> accounts = portal.listAccountsPaginator(r -> r.accessToken(t.accessToken()))
                    .accountList().stream().toList();
            assertThat(accounts).extracting(AccountInfo::accountId).containsExactly("222222222222", "333333333333");
            assertThat(accounts.get(0).accountName()).isEqualTo("deploy");
            assertThat(portal.listAccountRoles(r -> r.accessToken(t.accessToken()).accountId("222222222222"))
                    .roleList()).extracting(x -> x.roleName()).containsExactly("AdministratorAccess", "ReadOnlyAccess");
            RoleCredentials rc = portal.getRoleCredentials(r -> r.accessToken(t.accessToken())
                    .accountId("222222222222").roleName("ReadOnlyAccess")).roleCredentials();
            assertThat(rc.expiration()).isBetween(Instant.now().plusSeconds(3500).toEpochMilli(),
                    Instant.now().plusSeconds(3700).toEpochMilli());
            try (StsClient sts = Sdk.client(s, AwsSessionCredentials.create(rc.accessKeyId(), rc.secretAccessKey(),
                    rc.sessionToken()))) {
                assertThat(sts.getCallerIdentity().arn()).matches(
                        "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}/alice");
            }
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(1);
            assertThat(s.stats().errors("CreateToken")).isEqualTo(Map.of("AuthorizationPendingException", 1L));
        }
    }

    @Test
    void portal_isStrict_wrongTokenUnauthorized_unassignedPairForbidden() {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start(); SsoOidcClient oidc = oidc(s);
             SsoClient portal = portal(s)) {
            String token = deviceToken(oidc, "bob"); // auto-approved for the first user, alice
            assertThatThrownBy(() -> portal.listAccounts(r -> r.accessToken("not-a-token")))
                    .isInstanceOf(UnauthorizedException.class);
            error(() -> portal.getRoleCredentials(r -> r.accessToken(token).accountId("333333333333")
                    .roleName("AdministratorAccess")), "ForbiddenException", 403);
            assertThat(portal.listAccounts(r -> r.accessToken(token).maxResults(1)).nextToken()).isNotNull();
        }
    }

    @Test
    void slowDown_raisesTheInterval_andExpiredDeviceCodeIsExpiredToken() {
        TestClock clock = new TestClock();
        try (StsSandbox s = StsSandbox.builder().clock(clock).start(); SsoOidcClient oidc = oidc(s)) {
            RegisterClientResponse c = oidc.registerClient(r -> r.clientName("t").clientType("public"));
            StartDeviceAuthorizationResponse d = oidc.startDeviceAuthorization(r -> r.clientId(c.clientId())
                    .clientSecret(c.clientSecret()).startUrl(START_URL));
            Runnable poll = () -> oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret())
                    .grantType(DEVICE).deviceCode(d.deviceCode()));
            assertThatThrownBy(poll::run).isInstanceOf(AuthorizationPendingException.class);
            // Polling again within the interval is too fast.
            assertThatThrownBy(poll::run).isInstanceOf(SlowDownException.class);
            assertThat(s.ssoDeviceInterval(d.userCode())).isEqualTo(6);
            clock.advance(Duration.ofSeconds(6));
            assertThatThrownBy(poll::run).isInstanceOf(AuthorizationPendingException.class);
            clock.advance(Duration.ofMinutes(10));
            assertThatThrownBy(poll::run).isInstanceOf(ExpiredTokenException.class);
        }
    }

    @Test
    void pkce_authorizeRedirectsToTheLoopbackCallback_andAWrongVerifierIsInvalidGrant() throws Exception {
        try (StsSandbox s = StsSandbox.builder().start(); SsoOidcClient oidc = oidc(s)) {
            String redirect = "http://127.0.0.1:45678/oauth/callback";
            RegisterClientResponse c = oidc.registerClient(r -> r.clientName("t").clientType("public")
                    .grantTypes("authorization_code", "refresh_token").redirectUris(redirect)
                    .issuerUrl(START_URL).scopes("sso:account:access"));
            String verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789";
            String url = s.endpoint() + "/authorize?response_type=code&client_id=" + enc(c.clientId())
                    + "&redirect_uri=" + enc(redirect) + "&state=st4te&code_challenge_method=S256&scopes="
                    + enc("sso:account:access") + "&code_challenge=" + IdentityCenterService.s256(verifier);
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            String userCode = page.headers().firstValue("x-sandbox-user-code").orElseThrow();
            HttpResponse<String> approve = http.send(HttpRequest.newBuilder(URI.create(s.endpoint() + "/_sandbox/sso/approve"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userCode\":\"" + userCode + "\",\"user\":\"bob\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(approve.statusCode()).isEqualTo(200);
            String again = page.body().replaceAll("(?s).*url=([^\"]+)\".*", "$1");
            HttpResponse<String> redirected = http.send(HttpRequest.newBuilder(s.endpoint().resolve(again)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(redirected.statusCode()).isEqualTo(302);
            String location = redirected.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith(redirect + "?code=").endsWith("&state=st4te");
            String code = java.net.URLDecoder.decode(location.replaceAll(".*code=([^&]+).*", "$1"), StandardCharsets.UTF_8);

            assertThatThrownBy(() -> oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret())
                    .grantType("authorization_code").code(code).redirectUri(redirect).codeVerifier("wrong-verifier")))
                    .isInstanceOfSatisfying(InvalidGrantException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
            // The code is spent by the failed attempt, as a code is single-use; a fresh one with the right verifier works.
            String url2 = url.replace("st4te", "two");
            HttpResponse<String> page2 = http.send(HttpRequest.newBuilder(URI.create(url2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            s.approveSso(page2.headers().firstValue("x-sandbox-user-code").orElseThrow(), null);
            String again2 = page2.body().replaceAll("(?s).*url=([^\"]+)\".*", "$1");
            String loc2 = http.send(HttpRequest.newBuilder(s.endpoint().resolve(again2)).build(),
                    HttpResponse.BodyHandlers.ofString()).headers().firstValue("Location").orElseThrow();
            String code2 = java.net.URLDecoder.decode(loc2.replaceAll(".*code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
            CreateTokenResponse t = oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret())
                    .grantType("authorization_code").code(code2).redirectUri(redirect).codeVerifier(verifier));
            CreateTokenResponse refreshed = oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret())
                    .grantType("refresh_token").refreshToken(t.refreshToken()));
            assertThat(refreshed.accessToken()).isNotEqualTo(t.accessToken());
        }
    }

    @Test
    void portalRate_answers429TooManyRequests_beyondTheLimit_andCountsThem() {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).ssoRps(2).start(); SsoOidcClient oidc = oidc(s);
             SsoClient portal = portal(s)) {
            String token = deviceToken(oidc, null);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try {
                    portal.listAccounts(r -> r.accessToken(token));
                    statuses.add(200);
                } catch (software.amazon.awssdk.services.sso.model.TooManyRequestsException e) {
                    statuses.add(e.statusCode());
                }
            }
            assertThat(statuses).contains(429);
            assertThat(s.stats().errors("ListAccounts").get("TooManyRequestsException")).isPositive();
        }
    }

    @Test
    void model_identityCenter_roundTripsWithTheIssueFieldNames_andRefusesAnUnknownUserInAnAssignment() {
        String json = SandboxModel.demo().toJson();
        assertThat(json).contains("\"identityCenter\"", "\"startUrl\"", "\"region\"", "\"accountId\"", "\"accountName\"",
                "\"emailAddress\"", "\"assignments\"", "\"permissionSet\"", "\"user\"");
        assertThat(SandboxModel.parse(json).identityCenter()).isEqualTo(SandboxModel.demo().identityCenter());
        String bad = "{\"identityCenter\": {\"startUrl\": \"https://x.awsapps.com/start\", \"region\": \"us-east-1\","
                + " \"users\": [{\"name\": \"al\"}], \"accounts\": [{\"accountId\": \"123456789012\", \"accountName\": \"a\"}],"
                + " \"assignments\": [{\"user\": \"zed\", \"accountId\": \"123456789012\", \"permissionSet\": \"P\"}]}}";
        assertThatThrownBy(() -> SandboxModel.parse(bad)).isInstanceOf(SandboxModelException.class)
                .hasMessage("model: identityCenter.assignments[0].user: not a user of identityCenter.users: \"zed\"");
    }

    private static String deviceToken(SsoOidcClient oidc, String ignored) {
        RegisterClientResponse c = oidc.registerClient(r -> r.clientName("t").clientType("public"));
        StartDeviceAuthorizationResponse d = oidc.startDeviceAuthorization(r -> r.clientId(c.clientId())
                .clientSecret(c.clientSecret()).startUrl(START_URL));
        return oidc.createToken(r -> r.clientId(c.clientId()).clientSecret(c.clientSecret()).grantType(DEVICE)
                .deviceCode(d.deviceCode())).accessToken();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
