package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_ARN;
import static dev.stsfleet.sandbox.Sdk.ALICE_KEY;
import static dev.stsfleet.sandbox.Sdk.ALICE_SECRET;
import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.junit.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

class AuthenticationTest {
    private final TestClock clock = new TestClock();
    private StsSandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = StsSandbox.builder().clock(clock).start();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Credentials auditCredentials(int seconds) {
        try (StsClient alice = Sdk.alice(sandbox)) {
            return alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("audit").externalId(AUDIT_EXTERNAL_ID)
                    .durationSeconds(seconds)).credentials();
        }
    }

    @Test
    void getCallerIdentity_withUserKeys_returnsUserArn() {
        try (StsClient alice = Sdk.alice(sandbox)) {
            GetCallerIdentityResponse me = alice.getCallerIdentity();
            assertThat(me.arn()).isEqualTo(ALICE_ARN);
            assertThat(me.account()).isEqualTo("111111111111");
            assertThat(me.userId()).startsWith("AIDA");
        }
    }

    @Test
    void wrongSecret_isSignatureDoesNotMatch() {
        try (StsClient client = Sdk.client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET + "x"))) {
            AwsServiceException e = error(client::getCallerIdentity, "SignatureDoesNotMatch", 403);
            assertThat(e.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match");
        }
    }

    @Test
    void unknownAccessKey_isInvalidClientTokenId() {
        try (StsClient client = Sdk.client(sandbox, AwsBasicCredentials.create("AKIAUNKNOWNKEY000000", ALICE_SECRET))) {
            AwsServiceException e = error(client::getCallerIdentity, "InvalidClientTokenId", 403);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
        }
    }

    @Test
    void longTermKey_withASecurityToken_isInvalidClientTokenId() {
        try (StsClient client = Sdk.client(sandbox, AwsSessionCredentials.create(ALICE_KEY, ALICE_SECRET, "token"))) {
            error(client::getCallerIdentity, "InvalidClientTokenId", 403);
        }
    }

    @Test
    void temporaryKey_withItsToken_isAccepted() {
        Credentials c = auditCredentials(900);
        try (StsClient client = Sdk.client(sandbox, c)) {
            assertThat(client.getCallerIdentity().arn()).isEqualTo("arn:aws:sts::444444444444:assumed-role/Audit/audit");
        }
    }

    @Test
    void temporaryKey_withoutToken_isInvalidClientTokenId() {
        Credentials c = auditCredentials(900);
        try (StsClient client = Sdk.client(sandbox, AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()))) {
            error(client::getCallerIdentity, "InvalidClientTokenId", 403);
        }
    }

    @Test
    void temporaryKey_withWrongToken_isInvalidClientTokenId() {
        Credentials c = auditCredentials(900);
        try (StsClient client = Sdk.client(sandbox,
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken() + "x"))) {
            error(client::getCallerIdentity, "InvalidClientTokenId", 403);
        }
    }

    @Test
    void temporaryKey_withWrongSecret_isSignatureDoesNotMatch() {
        Credentials c = auditCredentials(900);
        try (StsClient client = Sdk.client(sandbox,
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey() + "x", c.sessionToken()))) {
            error(client::getCallerIdentity, "SignatureDoesNotMatch", 403);
        }
    }

    @Test
    void requestTime_14MinutesOff_isAccepted() {
        Clock early = Clock.offset(Clock.fixed(clock.instant(), ZoneOffset.UTC), Duration.ofMinutes(-14));
        Clock late = Clock.offset(Clock.fixed(clock.instant(), ZoneOffset.UTC), Duration.ofMinutes(14));
        try (StsClient a = Sdk.client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET), early);
             StsClient b = Sdk.client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET), late)) {
            assertThat(a.getCallerIdentity().arn()).isEqualTo(ALICE_ARN);
            assertThat(b.getCallerIdentity().arn()).isEqualTo(ALICE_ARN);
        }
    }

    @Test
    void requestTime_moreThan15MinutesOff_isSignatureExpired() {
        Clock early = Clock.offset(Clock.fixed(clock.instant(), ZoneOffset.UTC), Duration.ofMinutes(-16));
        Clock late = Clock.offset(Clock.fixed(clock.instant(), ZoneOffset.UTC), Duration.ofMinutes(16));
        try (StsClient a = Sdk.client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET), early);
             StsClient b = Sdk.client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET), late)) {
            assertThat(error(a::getCallerIdentity, "SignatureDoesNotMatch", 403).awsErrorDetails().errorMessage())
                    .startsWith("Signature expired: ").endsWith(" - 15 min.)");
            assertThat(error(b::getCallerIdentity, "SignatureDoesNotMatch", 403).awsErrorDetails().errorMessage())
                    .startsWith("Signature not yet current: ");
        }
    }

    @Test
    void temporaryCredentials_beforeExpiry_work_andAfterExpiry_areExpiredToken() {
        Credentials c = auditCredentials(900);
        assertThat(c.expiration()).isEqualTo(clock.instant().plusSeconds(900));
        try (StsClient client = Sdk.client(sandbox, c)) {
            clock.advance(Duration.ofSeconds(899));
            assertThat(client.getCallerIdentity().account()).isEqualTo("444444444444");
            clock.advance(Duration.ofSeconds(1));
            AwsServiceException e = error(client::getCallerIdentity, "ExpiredToken", 403);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is expired");
        }
    }

    @Test
    void unsignedRequest_isMissingAuthenticationToken_andTamperedBody_isSignatureDoesNotMatch() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(sandbox.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("<Code>MissingAuthenticationToken</Code>");

        // A correctly signed GetCallerIdentity, replayed with a different body.
        SigV4Fixture signed = SigV4Fixture.sign(sandbox, ALICE_KEY, ALICE_SECRET, clock.instant(),
                "Action=GetCallerIdentity&Version=2011-06-15");
        assertThat(signed.send(http, signed.body()).statusCode()).isEqualTo(200);
        HttpResponse<String> tampered = signed.send(http, "Action=GetCallerIdentity&Version=2011-06-15&X=1");
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void requestWithoutSignedContentHash_isVerified_andTamperedBody_isSignatureDoesNotMatch() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        SigV4Fixture signed = SigV4Fixture.signWithoutContentHash(sandbox, ALICE_KEY, ALICE_SECRET, clock.instant(),
                "Action=GetCallerIdentity&Version=2011-06-15");
        assertThat(signed.headers().get("Authorization").get(0)).contains("SignedHeaders=content-type;host;x-amz-date,");
        assertThat(signed.send(http, signed.body()).statusCode()).isEqualTo(200);
        HttpResponse<String> tampered = signed.send(http, "Action=GetCallerIdentity&Version=2011-06-15&X=1");
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void getQueryString_signedRequest_isAccepted() throws Exception {
        SigV4Fixture signed = SigV4Fixture.signGet(sandbox, ALICE_KEY, ALICE_SECRET, clock.instant(),
                "Action=GetCallerIdentity&Version=2011-06-15");
        HttpResponse<String> response = signed.send(HttpClient.newHttpClient(), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<Arn>" + ALICE_ARN + "</Arn>");
    }

    @Test
    void unknownAction_isInvalidAction() throws Exception {
        SigV4Fixture signed = SigV4Fixture.sign(sandbox, ALICE_KEY, ALICE_SECRET, clock.instant(),
                "Action=GetFederationToken&Version=2011-06-15");
        HttpResponse<String> response = signed.send(HttpClient.newHttpClient(), signed.body());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>InvalidAction</Code>");
        assertThat(URI.create(sandbox.endpoint() + "/").getHost()).isEqualTo("127.0.0.1");
    }
}
