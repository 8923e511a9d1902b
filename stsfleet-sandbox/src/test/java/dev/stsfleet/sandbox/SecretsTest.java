package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_KEY;
import static dev.stsfleet.sandbox.Sdk.ALICE_MFA;
import static dev.stsfleet.sandbox.Sdk.ALICE_SECRET;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.sts.StsClient;

class SecretsTest {
    @Test
    void issuedCredentialsToString_hidesSecretAndToken() {
        Principal p = Principal.user(SandboxModel.demo().users().get(0));
        IssuedCredentials c = new IssuedCredentials("ASIAABCDEFGHIJKLWXYZ", "the-secret-key", "the-session-token", p,
                Instant.EPOCH);
        assertThat(c.toString()).contains("****WXYZ").doesNotContain("the-secret-key", "the-session-token", "ASIAABCD");
    }

    @Test
    void samlAssertionToString_isShort() {
        SamlAssertion a = new SamlAssertion("issuer", "alice@example.com", "persistent", "aud", java.util.List.of(),
                "session", null, null);
        assertThat(a.toString()).doesNotContain("alice@example.com");
    }

    @Test
    void errorAnswers_neverCarryTheSecretOrTheCode() {
        try (StsSandbox sandbox = StsSandbox.builder().start();
             StsClient wrong = Sdk.client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET + "x"));
             StsClient alice = Sdk.alice(sandbox)) {
            assertThat(error(wrong::getCallerIdentity, "SignatureDoesNotMatch", 403).getMessage()).doesNotContain(ALICE_SECRET);
            String code = sandbox.totp(ALICE_MFA);
            String wrongCode = String.format("%06d", (Integer.parseInt(code) + 7) % 1_000_000);
            assertThat(error(() -> alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(wrongCode)),
                    "AccessDenied", 403).getMessage()).doesNotContain(wrongCode);
        }
    }
}
