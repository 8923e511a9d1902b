package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.StsCallException;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.ScriptedStsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StsGateway#assumeRoleWithSaml} against the strict sandbox (which checks the assertion's structure,
 * audience, times and the role/provider pair): success unsigned, each refusal as a typed code, and the
 * assertion never in a message.
 */
class StsGatewaySamlTest {
    private static final String PROVIDER = "arn:aws:iam::222222222222:saml-provider/CorpIdP";
    private static final String ROLE = "arn:aws:iam::222222222222:role/SamlDeploy";
    private static final String OTHER_ROLE = "arn:aws:iam::222222222222:role/NotForSaml";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final StsSandbox sandbox = sts.start(SandboxModel.builder()
            .samlProvider(new SandboxModel.SamlProvider(PROVIDER, null))
            .role(new SandboxModel.Role(ROLE, List.of(PROVIDER), false, null, 7200))
            .role(new SandboxModel.Role(OTHER_ROLE, List.of("arn:aws:iam::222222222222:root"), false, null, 3600))
            .build());
    private final StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).maxAttempts(1).build();

    @AfterEach
    void stop() {
        gateway.close();
    }

    /** A SAML 2.0 Response as an IdP sends it to AWS (unsigned: the sandbox's provider checks structure only). */
    private static String response(String status, Instant notOnOrAfter, String... roleValues) {
        StringBuilder roles = new StringBuilder();
        for (String v : roleValues) {
            roles.append("<saml:AttributeValue>").append(v).append("</saml:AttributeValue>");
        }
        Instant issued = notOnOrAfter.minus(Duration.ofMinutes(5));
        String xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
                + "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r1\" Version=\"2.0\" IssueInstant=\""
                + issued + "\"><saml:Issuer>urn:corp-idp</saml:Issuer>"
                + "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:" + status + "\"/></samlp:Status>"
                + "<saml:Assertion ID=\"_a1\" Version=\"2.0\" IssueInstant=\"" + issued + "\">"
                + "<saml:Issuer>urn:corp-idp</saml:Issuer>"
                + "<saml:Subject><saml:NameID>alice@corp.example</saml:NameID>"
                + "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
                + "<saml:SubjectConfirmationData NotOnOrAfter=\"" + notOnOrAfter
                + "\" Recipient=\"https://signin.aws.amazon.com/saml\"/></saml:SubjectConfirmation></saml:Subject>"
                + "<saml:Conditions NotBefore=\"" + issued + "\" NotOnOrAfter=\"" + notOnOrAfter + "\">"
                + "<saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience>"
                + "</saml:AudienceRestriction></saml:Conditions>"
                + "<saml:AttributeStatement>"
                + "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\">" + roles + "</saml:Attribute>"
                + "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\">"
                + "<saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>"
                + "</saml:AttributeStatement></saml:Assertion></samlp:Response>";
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    private String valid() {
        return response("Success", now.plus(Duration.ofMinutes(5)), ROLE + "," + PROVIDER);
    }

    @Test
    void validAssertion_unsigned_givesRoleCredentials_forTheRequestedDuration_thatWork() {
        AssumedRole role = gateway.assumeRoleWithSaml(ROLE, PROVIDER, valid(), 900);

        assertThat(role.assumedRoleArn()).isEqualTo("arn:aws:sts::222222222222:assumed-role/SamlDeploy/alice");
        assertThat(role.credentials().accessKeyId()).startsWith("ASIA");
        assertThat(Duration.between(role.credentials().start(), role.credentials().expiration()))
                .isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
        assertThat(gateway.getCallerIdentity(role.credentials().toSdkCredentials()).arn())
                .isEqualTo(role.assumedRoleArn());
        assertThat(role.toString()).doesNotContain(role.credentials().secretAccessKey())
                .doesNotContain(role.credentials().sessionToken());
    }

    @Test
    void noDuration_isAwsDefaultOfOneHour_andTheRoleValueMayComeProviderFirst() {
        String providerFirst = response("Success", now.plus(Duration.ofMinutes(5)), PROVIDER + "," + ROLE);

        AssumedRole role = gateway.assumeRoleWithSaml(ROLE, PROVIDER, providerFirst, null);

        assertThat(Duration.between(role.credentials().start(), role.credentials().expiration()))
                .isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
    }

    @Test
    void badAssertions_areTypedCodes_withoutTheAssertionInAnyMessage() {
        String failedStatus = response("Requester", now.plus(Duration.ofMinutes(5)), ROLE + "," + PROVIDER);
        String expired = response("Success", now.minus(Duration.ofMinutes(1)), ROLE + "," + PROVIDER);
        String notBase64 = "%%%not-base64%%%" + "A".repeat(40);
        String otherRole = response("Success", now.plus(Duration.ofMinutes(5)), OTHER_ROLE + "," + PROVIDER);

        assertRefused(failedStatus, ROLE, "InvalidIdentityToken");
        assertRefused(expired, ROLE, "ExpiredTokenException");
        assertRefused(notBase64, ROLE, "InvalidIdentityToken");
        assertRefused(otherRole, OTHER_ROLE, "AccessDenied");
        assertRefused(valid(), OTHER_ROLE, "AccessDenied");
        assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isZero();
        assertThat(sandbox.stats().total("AssumeRoleWithSAML")).isEqualTo(5);
    }

    private void assertRefused(String assertion, String roleArn, String code) {
        Throwable thrown = catchThrowable(() -> gateway.assumeRoleWithSaml(roleArn, PROVIDER, assertion, null));

        assertThat(thrown).isInstanceOfSatisfying(StsCallException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertNoAssertionIn(e, assertion);
        });
    }

    @Test
    void anStsMessageQuotingTheAssertion_isMasked() {
        String assertion = valid();
        try (ScriptedStsServer echo = new ScriptedStsServer();
             StsGateway toEcho = StsGateway.builder().endpoint(echo.endpoint()).maxAttempts(1).build()) {
            echo.then(ScriptedStsServer.Answer.error(400, "InvalidIdentityToken", "cannot read " + assertion));

            Throwable thrown = catchThrowable(() -> toEcho.assumeRoleWithSaml(ROLE, PROVIDER, assertion, null));

            assertThat(thrown).isInstanceOfSatisfying(StsCallException.class, e -> {
                assertThat(e.code()).isEqualTo("InvalidIdentityToken");
                assertThat(e.getMessage()).isEqualTo("InvalidIdentityToken: cannot read ****");
            });
            assertNoAssertionIn(thrown, assertion);
        }
    }

    @Test
    void unreachableSts_isANetworkError_withoutTheAssertion() {
        String assertion = valid();
        sandbox.close();

        Throwable thrown = catchThrowable(() -> gateway.assumeRoleWithSaml(ROLE, PROVIDER, assertion, null));

        assertThat(thrown).isInstanceOfSatisfying(StsCallException.class, e -> assertThat(e.code()).isEqualTo("NetworkError"));
        assertNoAssertionIn(thrown, assertion);
    }

    /** Neither the assertion (whole or its start) nor what it says (the user's NameID) in the exception chain. */
    private static void assertNoAssertionIn(Throwable t, String assertion) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            assertThat(String.valueOf(e.getMessage())).doesNotContain(assertion.substring(0, 32))
                    .doesNotContain("alice@corp.example");
            assertThat(e.toString()).doesNotContain(assertion.substring(0, 32));
        }
    }
}
