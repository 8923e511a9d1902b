package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_MFA;
import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static dev.stsfleet.sandbox.Sdk.DEPLOY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.sandbox.junit.TestClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

class FederationTest {
    private final TestClock clock = new TestClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private StsSandbox sandbox;
    private StsClient alice;

    @BeforeEach
    void start() {
        sandbox = StsSandbox.builder().clock(clock).start();
        alice = Sdk.alice(sandbox);
    }

    @AfterEach
    void stop() {
        alice.close();
        sandbox.close();
    }

    private Credentials deploy() {
        String code = sandbox.totp(ALICE_MFA);
        return alice.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("console").serialNumber(ALICE_MFA).tokenCode(code))
                .credentials();
    }

    private HttpResponse<String> signinToken(Credentials c, String sessionDuration) throws Exception {
        String session = new ObjectMapper().writeValueAsString(Map.of("sessionId", c.accessKeyId(),
                "sessionKey", c.secretAccessKey(), "sessionToken", c.sessionToken()));
        String query = "Action=getSigninToken" + (sessionDuration == null ? "" : "&SessionDuration=" + sessionDuration)
                + "&Session=" + URLEncoder.encode(session, StandardCharsets.UTF_8);
        return get("/federation?" + query);
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.endpoint() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getSigninToken_withRoleCredentials_returnsToken_andLoginNamesTheSession() throws Exception {
        HttpResponse<String> r = signinToken(deploy(), "43200");
        assertThat(r.statusCode()).isEqualTo(200);
        String token = new ObjectMapper().readTree(r.body()).path("SigninToken").asText();
        assertThat(token).isNotBlank();
        HttpResponse<String> login = get("/federation?Action=login&Issuer=example&Destination="
                + URLEncoder.encode("https://console.aws.amazon.com/", StandardCharsets.UTF_8)
                + "&SigninToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("arn:aws:sts::222222222222:assumed-role/Deploy/console");
        assertThat(sandbox.stats().ok("getSigninToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("login")).isEqualTo(1);
    }

    @Test
    void login_withUnknownOrExpiredToken_is400() throws Exception {
        assertThat(get("/federation?Action=login&SigninToken=nope").statusCode()).isEqualTo(400);
        String token = new ObjectMapper().readTree(signinToken(deploy(), null).body()).path("SigninToken").asText();
        clock.advance(Duration.ofMinutes(16));
        assertThat(get("/federation?Action=login&SigninToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void sessionDuration_outside900To43200_is400() throws Exception {
        Credentials c = deploy();
        assertThat(signinToken(c, "900").statusCode()).isEqualTo(200);
        assertThat(signinToken(c, "899").statusCode()).isEqualTo(400);
        assertThat(signinToken(c, "43201").statusCode()).isEqualTo(400);
        assertThat(signinToken(c, "abc").statusCode()).isEqualTo(400);
    }

    @Test
    void roleChainedCredentials_areLimitedTo3600() throws Exception {
        Credentials chained;
        try (StsClient deploy = Sdk.client(sandbox, deploy())) {
            chained = deploy.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("chain").externalId(AUDIT_EXTERNAL_ID))
                    .credentials();
        }
        assertThat(signinToken(chained, "3600").statusCode()).isEqualTo(200);
        assertThat(signinToken(chained, "3601").statusCode()).isEqualTo(400);
    }

    @Test
    void invalidExpiredOrNonRoleCredentials_are400() throws Exception {
        Credentials c = deploy();
        Credentials wrongSecret = c.toBuilder().secretAccessKey(c.secretAccessKey() + "x").build();
        HttpResponse<String> wrong = signinToken(wrongSecret, null);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).doesNotContain(c.secretAccessKey());
        assertThat(signinToken(alice.getSessionToken().credentials(), null).statusCode()).isEqualTo(400);
        assertThat(get("/federation?Action=getSigninToken&Session=notjson").statusCode()).isEqualTo(400);
        clock.advance(Duration.ofHours(1));
        assertThat(signinToken(c, null).statusCode()).isEqualTo(400);
    }
}
