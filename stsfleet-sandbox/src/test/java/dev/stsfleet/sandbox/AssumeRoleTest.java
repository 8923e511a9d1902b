package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_ARN;
import static dev.stsfleet.sandbox.Sdk.ALICE_MFA;
import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static dev.stsfleet.sandbox.Sdk.DEPLOY;
import static dev.stsfleet.sandbox.Sdk.READ_ONLY;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.junit.TestClock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

class AssumeRoleTest {
    private static final String CHAINING_MESSAGE =
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.";
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

    private AssumeRoleResponse deployWithMfa(int seconds) {
        String code = sandbox.totp(ALICE_MFA);
        return alice.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("deploy").durationSeconds(seconds)
                .serialNumber(ALICE_MFA).tokenCode(code));
    }

    @Test
    void assumeRole_trusted_returnsAssumedRoleUser_andAsiaCredentials_forDefaultHour() {
        AssumeRoleResponse r = alice.assumeRole(b -> b.roleArn(AUDIT).roleSessionName("me@example.com")
                .externalId(AUDIT_EXTERNAL_ID));
        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::444444444444:assumed-role/Audit/me@example.com");
        assertThat(r.assumedRoleUser().assumedRoleId()).startsWith("AROA").endsWith(":me@example.com");
        assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
        assertThat(r.credentials().expiration()).isEqualTo(clock.instant().plusSeconds(3600));
        try (StsClient role = Sdk.client(sandbox, r.credentials())) {
            assertThat(role.getCallerIdentity().arn()).isEqualTo(r.assumedRoleUser().arn());
            assertThat(role.getCallerIdentity().account()).isEqualTo("444444444444");
        }
    }

    @Test
    void assumeRole_untrusted_isAccessDenied_namingCallerAndRole() {
        SandboxModel model = SandboxModel.builder()
                .user(SandboxModel.demo().users().get(0))
                .role(new SandboxModel.Role("arn:aws:iam::999999999999:role/Other",
                        List.of("arn:aws:iam::999999999999:root"), false, null, 3600))
                .role(new SandboxModel.Role("arn:aws:iam::999999999999:role/ForAlice", List.of(ALICE_ARN), false, null, 3600))
                .build();
        try (StsSandbox other = StsSandbox.builder().model(model).clock(clock).start();
             StsClient client = Sdk.alice(other)) {
            assertThat(error(() -> client.assumeRole(r -> r.roleArn("arn:aws:iam::999999999999:role/Other")
                    .roleSessionName("s1")), "AccessDenied", 403).awsErrorDetails().errorMessage())
                    .isEqualTo("User: " + ALICE_ARN + " is not authorized to perform: sts:AssumeRole on resource: "
                            + "arn:aws:iam::999999999999:role/Other");
            assertThat(client.assumeRole(r -> r.roleArn("arn:aws:iam::999999999999:role/ForAlice")
                    .roleSessionName("s1")).assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::999999999999:assumed-role/ForAlice/s1");
        }
    }

    @Test
    void assumeRole_unknownRole_isAccessDenied() {
        error(() -> alice.assumeRole(r -> r.roleArn("arn:aws:iam::222222222222:role/Nope").roleSessionName("s1")),
                "AccessDenied", 403);
    }

    @Test
    void assumeRole_malformedRoleArn_isValidationError() {
        error(() -> alice.assumeRole(r -> r.roleArn("x").roleSessionName("s1")), "ValidationError", 400);
    }

    @Test
    void assumeRole_requiringMfa_withoutMfa_isAccessDenied() {
        assertThat(error(() -> alice.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("s1")), "AccessDenied", 403)
                .awsErrorDetails().errorMessage()).contains("is not authorized to perform: sts:AssumeRole");
    }

    @Test
    void assumeRole_requiringMfa_withValidCode_isAccepted() {
        assertThat(deployWithMfa(3600).assumedRoleUser().arn()).isEqualTo("arn:aws:sts::222222222222:assumed-role/Deploy/deploy");
    }

    @Test
    void assumeRole_withReusedCode_isDenied() {
        String code = sandbox.totp(ALICE_MFA);
        alice.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("aa").serialNumber(ALICE_MFA).tokenCode(code));
        assertThat(error(() -> alice.assumeRole(r -> r.roleArn(READ_ONLY).roleSessionName("bb")
                .serialNumber(ALICE_MFA).tokenCode(code)), "AccessDenied", 403).awsErrorDetails().errorMessage())
                .startsWith("MultiFactorAuthentication failed");
    }

    @Test
    void mfaSessionToken_carriesMfaIntoAssumeRole_forEveryRole() {
        String code = sandbox.totp(ALICE_MFA);
        Credentials session = alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(code)).credentials();
        try (StsClient client = Sdk.client(sandbox, session)) {
            assertThat(client.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("dd")).assumedRoleUser().arn())
                    .endsWith("Deploy/dd");
            assertThat(client.assumeRole(r -> r.roleArn(READ_ONLY).roleSessionName("rr")).assumedRoleUser().arn())
                    .endsWith("ReadOnly/rr");
        }
    }

    @Test
    void sessionTokenWithoutMfa_cannotAssumeMfaRole() {
        Credentials session = alice.getSessionToken().credentials();
        try (StsClient client = Sdk.client(sandbox, session)) {
            assertThat(error(() -> client.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("dd")), "AccessDenied", 403)
                    .awsErrorDetails().errorMessage())
                    .isEqualTo("User: " + ALICE_ARN + " is not authorized to perform: sts:AssumeRole on resource: " + DEPLOY);
        }
    }

    @Test
    void assumeRole_upToRoleMaximum_isAccepted_andBeyond_isValidationError() {
        assertThat(deployWithMfa(43200).credentials().expiration()).isEqualTo(clock.instant().plusSeconds(43200));
        assertThat(error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId(AUDIT_EXTERNAL_ID)
                .durationSeconds(3601)), "ValidationError", 400).awsErrorDetails().errorMessage())
                .isEqualTo("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId(AUDIT_EXTERNAL_ID)
                .durationSeconds(899)), "ValidationError", 400);
    }

    @Test
    void roleChaining_fromSessionToken_isCappedAtOneHour() {
        String code = sandbox.totp(ALICE_MFA);
        Credentials session = alice.getSessionToken(r -> r.serialNumber(ALICE_MFA).tokenCode(code)).credentials();
        try (StsClient client = Sdk.client(sandbox, session)) {
            assertThat(client.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("dd").durationSeconds(3600))
                    .credentials().expiration()).isEqualTo(clock.instant().plusSeconds(3600));
            assertThat(error(() -> client.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("dd").durationSeconds(3601)),
                    "ValidationError", 400).awsErrorDetails().errorMessage()).isEqualTo(CHAINING_MESSAGE);
        }
    }

    @Test
    void roleChaining_fromRoleSession_isTrustedByRoleArn_andCappedAtOneHour() {
        Credentials deploy = deployWithMfa(43200).credentials();
        try (StsClient client = Sdk.client(sandbox, deploy)) {
            AssumeRoleResponse audit = client.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("chain")
                    .externalId(AUDIT_EXTERNAL_ID));
            assertThat(audit.credentials().expiration()).isEqualTo(clock.instant().plusSeconds(3600));
            error(() -> client.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("chain").externalId(AUDIT_EXTERNAL_ID)
                    .durationSeconds(7200)), "ValidationError", 400);
            assertThat(error(() -> client.assumeRole(r -> r.roleArn(READ_ONLY).roleSessionName("chain")),
                    "AccessDenied", 403).awsErrorDetails().errorMessage())
                    .isEqualTo("User: arn:aws:sts::222222222222:assumed-role/Deploy/deploy is not authorized to perform: "
                            + "sts:AssumeRole on resource: " + READ_ONLY);
        }
    }

    @Test
    void roleSessionName_rules() {
        alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("a1").externalId(AUDIT_EXTERNAL_ID));
        alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("x".repeat(64)).externalId(AUDIT_EXTERNAL_ID));
        alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("a+b=c,d.e@f-g_h").externalId(AUDIT_EXTERNAL_ID));
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("X").externalId(AUDIT_EXTERNAL_ID)),
                "ValidationError", 400);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("x".repeat(65)).externalId(AUDIT_EXTERNAL_ID)),
                "ValidationError", 400);
        assertThat(error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("has space").externalId(AUDIT_EXTERNAL_ID)),
                "ValidationError", 400).awsErrorDetails().errorMessage())
                .contains("at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern");
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).externalId(AUDIT_EXTERNAL_ID)), "ValidationError", 400);
    }

    @Test
    void externalId_mustMatchTheRoles() {
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa")), "AccessDenied", 403);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId("audit-external-iD")),
                "AccessDenied", 403);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId("bad id")),
                "ValidationError", 400);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId("x")),
                "ValidationError", 400);
        assertThat(alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId(AUDIT_EXTERNAL_ID))
                .assumedRoleUser().arn()).endsWith("Audit/aa");
    }

    @Test
    void roleSession_cannotCallGetSessionToken_andUsersOwnKeyCanChainAfter() {
        Credentials audit = alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("aa").externalId(AUDIT_EXTERNAL_ID))
                .credentials();
        try (StsClient client = Sdk.client(sandbox, audit)) {
            error(client::getSessionToken, "AccessDenied", 403);
        }
        try (StsClient unknown = Sdk.client(sandbox, AwsBasicCredentials.create(audit.accessKeyId(), audit.secretAccessKey()))) {
            error(unknown::getCallerIdentity, "InvalidClientTokenId", 403);
        }
    }
}
