package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.junit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithSamlResponse;

class AssumeRoleWithSamlTest {
    private static final String PROVIDER = "arn:aws:iam::111111111111:saml-provider/TestIdP";
    private static final String SAML_ADMIN = "arn:aws:iam::111111111111:role/SamlAdmin";
    private static final String SIGNED_PROVIDER = "arn:aws:iam::555555555555:saml-provider/SignedIdP";
    private static final String SIGNED_ROLE = "arn:aws:iam::555555555555:role/Federated";
    private static SamlFixture.Idp idp;
    private static SamlFixture.Idp otherIdp;

    private final TestClock clock = new TestClock();
    private StsSandbox sandbox;
    private StsClient anonymous;

    @BeforeAll
    static void keys(@TempDir Path dir) throws Exception {
        idp = SamlFixture.Idp.create(Files.createDirectories(dir.resolve("idp")));
        otherIdp = SamlFixture.Idp.create(Files.createDirectories(dir.resolve("other")));
    }

    @BeforeEach
    void start() throws Exception {
        SandboxModel demo = SandboxModel.demo();
        SandboxModel.Builder model = SandboxModel.builder();
        demo.users().forEach(model::user);
        demo.roles().forEach(model::role);
        demo.samlProviders().forEach(model::samlProvider);
        model.samlProvider(new SandboxModel.SamlProvider(SIGNED_PROVIDER, idp.certificatePem()));
        model.role(new SandboxModel.Role(SIGNED_ROLE, List.of(SIGNED_PROVIDER), false, null, 7200));
        sandbox = StsSandbox.builder().model(model.build()).clock(clock).start();
        anonymous = Sdk.client(sandbox, AwsBasicCredentials.create("AKIAUNUSED0000000000", "unused-unused-unused"));
    }

    @AfterEach
    void stop() {
        anonymous.close();
        sandbox.close();
    }

    private String assertion(List<String> roles, Instant sessionEnd) {
        Instant now = clock.instant();
        return SamlFixture.response("https://idp.example.com", roles, "alice@example.com", now, now.plusSeconds(300), sessionEnd);
    }

    private AssumeRoleWithSamlResponse call(String role, String provider, String xml) {
        return anonymous.assumeRoleWithSAML(r -> r.roleArn(role).principalArn(provider).samlAssertion(SamlFixture.base64(xml)));
    }

    @Test
    void unsignedProvider_roleProviderOrder_isAccepted_andUnauthenticated() {
        AssumeRoleWithSamlResponse r = call(SAML_ADMIN, PROVIDER, assertion(List.of(SAML_ADMIN + "," + PROVIDER), null));
        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::111111111111:assumed-role/SamlAdmin/alice@example.com");
        assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
        assertThat(r.credentials().expiration()).isEqualTo(clock.instant().plusSeconds(3600));
        assertThat(r.issuer()).isEqualTo("https://idp.example.com");
        assertThat(r.subject()).isEqualTo("alice@example.com");
        assertThat(r.subjectType()).isEqualTo("persistent");
        assertThat(r.audience()).isEqualTo("https://signin.aws.amazon.com/saml");
        assertThat(r.nameQualifier()).isNotBlank();
        // The SDK sends AssumeRoleWithSAML unsigned; an explicitly anonymous client works too.
        try (StsClient none = StsClient.builder().endpointOverride(sandbox.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            assertThat(none.assumeRoleWithSAML(b -> b.roleArn(SAML_ADMIN).principalArn(PROVIDER).samlAssertion(
                    SamlFixture.base64(assertion(List.of(PROVIDER + "," + SAML_ADMIN), null)))).credentials()).isNotNull();
        }
    }

    @Test
    void providerRoleOrder_isAccepted() {
        assertThat(call(SAML_ADMIN, PROVIDER, assertion(List.of(PROVIDER + "," + SAML_ADMIN), null))
                .assumedRoleUser().arn()).endsWith("SamlAdmin/alice@example.com");
    }

    @Test
    void roleNotPairedInAssertion_isAccessDenied() {
        assertThat(error(() -> call(SAML_ADMIN, PROVIDER, assertion(List.of(SIGNED_ROLE + "," + PROVIDER), null)),
                "AccessDenied", 403).awsErrorDetails().errorMessage()).isEqualTo("Not authorized to perform sts:AssumeRoleWithSAML");
    }

    @Test
    void roleNotTrustingProvider_isAccessDenied() {
        String deploy = "arn:aws:iam::222222222222:role/Deploy";
        error(() -> call(deploy, PROVIDER, assertion(List.of(deploy + "," + PROVIDER), null)), "AccessDenied", 403);
    }

    @Test
    void unknownProvider_isInvalidIdentityToken() {
        String nope = "arn:aws:iam::111111111111:saml-provider/Nope";
        error(() -> call(SAML_ADMIN, nope, assertion(List.of(SAML_ADMIN + "," + nope), null)), "InvalidIdentityToken", 400);
    }

    @Test
    void sessionIsCappedBySessionNotOnOrAfter() {
        Instant end = clock.instant().plusSeconds(1000);
        assertThat(call(SAML_ADMIN, PROVIDER, assertion(List.of(SAML_ADMIN + "," + PROVIDER), end)).credentials().expiration())
                .isEqualTo(end);
        Instant later = clock.instant().plusSeconds(5000);
        assertThat(call(SAML_ADMIN, PROVIDER, assertion(List.of(SAML_ADMIN + "," + PROVIDER), later)).credentials().expiration())
                .isEqualTo(clock.instant().plusSeconds(3600));
    }

    @Test
    void expiredAssertion_isRejected() {
        String xml = assertion(List.of(SAML_ADMIN + "," + PROVIDER), null);
        clock.advance(Duration.ofSeconds(301));
        error(() -> call(SAML_ADMIN, PROVIDER, xml), "ExpiredTokenException", 400);
    }

    @Test
    void malformedStructure_isInvalidIdentityToken() {
        error(() -> call(SAML_ADMIN, PROVIDER, "<notSaml/>"), "InvalidIdentityToken", 400);
        error(() -> call(SAML_ADMIN, PROVIDER, "not xml at all"), "InvalidIdentityToken", 400);
        String noSessionName = assertion(List.of(SAML_ADMIN + "," + PROVIDER), null)
                .replace("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "x-other");
        error(() -> call(SAML_ADMIN, PROVIDER, noSessionName), "InvalidIdentityToken", 400);
    }

    @Test
    void doctypeAndExternalEntities_areRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + assertion(List.of(SAML_ADMIN + "," + PROVIDER), null).replace("alice@example.com</saml:NameID>", "&x;</saml:NameID>");
        assertThat(error(() -> call(SAML_ADMIN, PROVIDER, xxe), "InvalidIdentityToken", 400).awsErrorDetails().errorMessage())
                .doesNotContain("root:");
    }

    @Test
    void signedProvider_withValidSignature_isAccepted() throws Exception {
        String signed = idp.sign(assertion(List.of(SIGNED_ROLE + "," + SIGNED_PROVIDER), null));
        assertThat(call(SIGNED_ROLE, SIGNED_PROVIDER, signed).assumedRoleUser().arn())
                .isEqualTo("arn:aws:sts::555555555555:assumed-role/Federated/alice@example.com");
    }

    @Test
    void signedProvider_unsignedTamperedOrWrongKey_isInvalidIdentityToken() throws Exception {
        String xml = assertion(List.of(SIGNED_ROLE + "," + SIGNED_PROVIDER), null);
        error(() -> call(SIGNED_ROLE, SIGNED_PROVIDER, xml), "InvalidIdentityToken", 400);
        String tampered = idp.sign(xml).replace("alice@example.com</saml:AttributeValue>", "mallory@example.com</saml:AttributeValue>");
        error(() -> call(SIGNED_ROLE, SIGNED_PROVIDER, tampered), "InvalidIdentityToken", 400);
        String wrongKey = otherIdp.sign(xml);
        error(() -> call(SIGNED_ROLE, SIGNED_PROVIDER, wrongKey), "InvalidIdentityToken", 400);
    }

    @Test
    void durationAboveRoleMaximum_isValidationError() {
        String xml = assertion(List.of(SAML_ADMIN + "," + PROVIDER), null);
        error(() -> anonymous.assumeRoleWithSAML(r -> r.roleArn(SAML_ADMIN).principalArn(PROVIDER).durationSeconds(7200)
                .samlAssertion(SamlFixture.base64(xml))), "ValidationError", 400);
    }
}
