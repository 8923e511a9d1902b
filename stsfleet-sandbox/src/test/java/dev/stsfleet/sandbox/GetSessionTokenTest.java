package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_ARN;
import static dev.stsfleet.sandbox.Sdk.ALICE_MFA;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.junit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

class GetSessionTokenTest {
    private final TestClock clock = new TestClock();
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

    @Test
    void getSessionToken_byDefault_lasts43200Seconds_withAsiaKey() {
        Credentials c = alice.getSessionToken().credentials();
        assertThat(c.accessKeyId()).startsWith("ASIA").hasSize(20);
        assertThat(c.secretAccessKey()).isNotBlank();
        assertThat(c.sessionToken()).isNotBlank();
        assertThat(c.expiration()).isEqualTo(clock.instant().plusSeconds(43200));
    }

    @Test
    void getSessionToken_atDurationBounds_isAccepted() {
        assertThat(alice.getSessionToken(r -> r.durationSeconds(900)).credentials().expiration())
                .isEqualTo(clock.instant().plusSeconds(900));
        assertThat(alice.getSessionToken(r -> r.durationSeconds(129600)).credentials().expiration())
                .isEqualTo(clock.instant().plusSeconds(129600));
    }

    @Test
    void getSessionToken_outsideDurationBounds_isValidationError() {
        assertThat(error(() -> alice.getSessionToken(r -> r.durationSeconds(899)), "ValidationError", 400)
                .awsErrorDetails().errorMessage())
                .isEqualTo("1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
                        + "Member must have value greater than or equal to 900");
        error(() -> alice.getSessionToken(r -> r.durationSeconds(129601)), "ValidationError", 400);
    }

    @Test
    void getSessionToken_withSessionCredentials_isAccessDenied() {
        Credentials c = alice.getSessionToken().credentials();
        try (StsClient session = Sdk.client(sandbox, c)) {
            assertThat(error(session::getSessionToken, "AccessDenied", 403).awsErrorDetails().errorMessage())
                    .isEqualTo("Cannot call GetSessionToken with session credentials");
        }
    }

    @Test
    void sessionToken_identifiesAsTheUser() {
        Credentials c = alice.getSessionToken().credentials();
        try (StsClient session = Sdk.client(sandbox, c)) {
            assertThat(session.getCallerIdentity().arn()).isEqualTo(ALICE_ARN);
        }
    }

    @Test
    void getSessionToken_withCurrentCode_isAccepted() {
        String code = sandbox.totp(ALICE_MFA);
        Credentials c = alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(code)).credentials();
        assertThat(c.accessKeyId()).startsWith("ASIA");
    }

    @Test
    void getSessionToken_withWrongCode_isAccessDenied() {
        String code = sandbox.totp(ALICE_MFA);
        String wrong = String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
        assertThat(error(() -> alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(wrong)), "AccessDenied", 403)
                .awsErrorDetails().errorMessage()).startsWith("MultiFactorAuthentication failed with invalid MFA one time pass code.");
    }

    @Test
    void getSessionToken_withReusedCode_isAccessDenied() {
        String code = sandbox.totp(ALICE_MFA);
        alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(code));
        error(() -> alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(code)), "AccessDenied", 403);
    }

    @Test
    void getSessionToken_withCodeOneStepOld_isAccepted_butTwoStepsOld_isDenied() {
        String oneStepOld = sandbox.totp(ALICE_MFA, clock.instant().minusSeconds(30));
        String twoStepsOld = sandbox.totp(ALICE_MFA, clock.instant().minusSeconds(60));
        String oneStepAhead = sandbox.totp(ALICE_MFA, clock.instant().plusSeconds(30));
        alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(oneStepOld));
        alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(oneStepAhead));
        if (!twoStepsOld.equals(oneStepOld) && !twoStepsOld.equals(oneStepAhead) && !twoStepsOld.equals(sandbox.totp(ALICE_MFA))) {
            error(() -> alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(twoStepsOld)), "AccessDenied", 403);
        }
    }

    @Test
    void getSessionToken_withNextCodeAfterClockMoves_isAccepted() {
        String first = sandbox.totp(ALICE_MFA);
        alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(first));
        clock.advance(Duration.ofSeconds(30));
        String second = sandbox.totp(ALICE_MFA);
        alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(second));
    }

    @Test
    void getSessionToken_withAnotherSerial_isAccessDenied() {
        String code = sandbox.totp(ALICE_MFA);
        assertThat(error(() -> alice.getSessionToken(r -> r.serialNumber("arn:aws:iam::111111111111:mfa/bob").tokenCode(code)),
                "AccessDenied", 403).awsErrorDetails().errorMessage()).contains("unable to validate MFA code");
    }

    @Test
    void getSessionToken_withMalformedCode_isValidationError_withoutQuotingIt() {
        String message = error(() -> alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode("12345a")),
                "ValidationError", 400).awsErrorDetails().errorMessage();
        assertThat(message).contains("tokenCode").doesNotContain("12345a");
        error(() -> alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode("12345")), "ValidationError", 400);
    }
}
