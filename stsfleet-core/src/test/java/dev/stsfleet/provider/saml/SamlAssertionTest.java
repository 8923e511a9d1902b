package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SamlAssertionTest {
    private static final Instant NOT_ON_OR_AFTER = Instant.parse("2026-01-01T00:05:00Z");
    private static final String ROLE_FIRST = "arn:aws:iam::222222222222:role/Deploy," + Saml.PROVIDER;
    private static final String PROVIDER_FIRST = Saml.PROVIDER + ", arn:aws:iam::333333333333:role/team/Deploy";

    @Test
    void parse_readsRolesInBothOrders() {
        SamlAssertion assertion = SamlAssertion.parse(Saml.base64(Saml.responseXml(
                List.of(ROLE_FIRST, PROVIDER_FIRST), NOT_ON_OR_AFTER, 3600)));

        assertThat(assertion.roles()).containsExactly(
                new SamlRole("arn:aws:iam::222222222222:role/Deploy", Saml.PROVIDER),
                new SamlRole("arn:aws:iam::333333333333:role/team/Deploy", Saml.PROVIDER));
        assertThat(assertion.roles().get(1).accountId()).isEqualTo("333333333333");
        assertThat(assertion.roles().get(1).roleName()).isEqualTo("Deploy");
        assertThat(assertion.roles().get(1).matches("333333333333", "Deploy")).isTrue();
    }

    @Test
    void parse_readsNotOnOrAfter_sessionDuration_subject_sessionName() {
        SamlAssertion assertion = SamlAssertion.parse(Saml.base64(Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, 7200)));

        assertThat(assertion.notOnOrAfter()).contains(NOT_ON_OR_AFTER);
        assertThat(assertion.sessionDuration()).contains(Duration.ofHours(2));
        assertThat(assertion.subject()).contains("alice@example.com");
        assertThat(assertion.sessionName()).contains("alice");
    }

    @Test
    void parse_takesTheEarlierOfConditionsAndSubjectConfirmation() {
        String xml = Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, null)
                .replaceFirst("<saml:SubjectConfirmationData NotOnOrAfter=\"[^\"]+\"",
                        "<saml:SubjectConfirmationData NotOnOrAfter=\"2026-01-01T00:01:30.500Z\"");

        assertThat(SamlAssertion.parse(Saml.base64(xml)).notOnOrAfter()).contains(Instant.parse("2026-01-01T00:01:30.500Z"));
    }

    @Test
    void parse_withoutNotOnOrAfterOrDuration_leavesThemEmpty() {
        SamlAssertion assertion = SamlAssertion.parse(Saml.base64(Saml.responseXml(List.of(ROLE_FIRST), null, null)));

        assertThat(assertion.notOnOrAfter()).isEmpty();
        assertThat(assertion.sessionDuration()).isEmpty();
    }

    @Test
    void parse_skipsMalformedRoleValues_andDuplicates() {
        SamlAssertion assertion = SamlAssertion.parse(Saml.base64(Saml.responseXml(
                List.of("just-a-string", "arn:aws:iam::222222222222:role/A,arn:aws:iam::222222222222:role/B",
                        ROLE_FIRST, ROLE_FIRST), NOT_ON_OR_AFTER, null)));

        assertThat(assertion.roles()).extracting(SamlRole::roleArn).containsExactly("arn:aws:iam::222222222222:role/Deploy");
    }

    @Test
    void parse_withoutRoleAttribute_hasNoRoles() {
        String xml = Saml.responseXml(List.of(), NOT_ON_OR_AFTER, null);

        assertThat(SamlAssertion.parse(Saml.base64(xml)).roles()).isEmpty();
    }

    @Test
    void parse_bareAssertion_isAccepted() {
        String xml = Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, null);
        String assertion = xml.substring(xml.indexOf("<saml:Assertion"), xml.indexOf("</samlp:Response>"))
                .replaceFirst("<saml:Assertion ", "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ");

        assertThat(SamlAssertion.parse(Saml.base64(assertion)).roles()).hasSize(1);
    }

    @Test
    void parse_failedStatus_isAccessDenied() {
        String xml = Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, null).replace(
                "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>",
                "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\">"
                        + "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:AuthnFailed\"/></samlp:StatusCode>");

        assertThatThrownBy(() -> SamlAssertion.parse(Saml.base64(xml)))
                .isInstanceOf(IdpAccessDeniedException.class)
                .hasMessageContaining("AuthnFailed");
    }

    @Test
    void parse_encryptedAssertionOnly_isInvalidResponse() {
        String xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
                + "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:EncryptedAssertion/></samlp:Response>";

        assertThatThrownBy(() -> SamlAssertion.parse(Saml.base64(xml)))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("encrypted");
    }

    @Test
    void parse_otherXml_andMalformedXml_areInvalidResponses() {
        assertThatThrownBy(() -> SamlAssertion.parse(Saml.base64("<html><body/></html>")))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("not a SAML 2.0 response");
        assertThatThrownBy(() -> SamlAssertion.parse(Saml.base64("<samlp:Response xmlns:samlp=\"x\"><unclosed>")))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> SamlAssertion.parse("%%%not base64%%%"))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("base64");
    }

    @Test
    void parse_doctype_isRefused() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE samlp:Response []>"
                + Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, null).replaceFirst("<\\?xml[^>]*>", "");

        assertThatThrownBy(() -> SamlAssertion.parse(Saml.base64(xml)))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void parse_externalEntity_doesNotReadTheFile(@TempDir Path dir) throws Exception {
        String marker = "TOP-SECRET-FILE-CONTENT-4711";
        Path secret = Files.writeString(dir.resolve("secret.txt"), marker);
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, null).replaceFirst("<\\?xml[^>]*>", "")
                .replace(">alice@example.com<", ">&xxe;<");

        Throwable thrown = catchThrowable(() -> SamlAssertion.parse(Saml.base64(xml)));

        assertThat(thrown).isInstanceOf(IdpInvalidResponseException.class);
        Saml.assertNoSecretIn(thrown, marker);
    }

    @Test
    void parse_externalParameterEntity_doesNotFetch(@TempDir Path dir) throws Exception {
        Path dtd = Files.writeString(dir.resolve("evil.dtd"), "<!ENTITY leaked \"LEAKED-VIA-DTD\">");
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % ext SYSTEM \"" + dtd.toUri() + "\"> %ext;]>"
                + "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&leaked;</samlp:Response>";

        Throwable thrown = catchThrowable(() -> SamlAssertion.parse(Saml.base64(xml)));

        assertThat(thrown).isInstanceOf(IdpInvalidResponseException.class);
        Saml.assertNoSecretIn(thrown, "LEAKED-VIA-DTD");
    }

    @Test
    void parse_billionLaughs_isRefusedQuickly() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i == 1 ? "" : String.valueOf(i - 1)) + ";").repeat(10)).append("\">");
        }
        String xml = "<?xml version=\"1.0\"?>" + dtd + "]><lolz>&lol9;</lolz>";

        assertThatThrownBy(() -> SamlAssertion.parse(Saml.base64(xml)))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void parse_largerThanOneMebibyte_isRefusedBeforeDecoding() {
        String huge = "A".repeat(50 * 1024 * 1024);

        assertThatThrownBy(() -> SamlAssertion.parse(huge))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void toString_neverShowsTheAssertion() {
        String b64 = Saml.base64(Saml.responseXml(List.of(ROLE_FIRST), NOT_ON_OR_AFTER, 3600));
        SamlAssertion assertion = SamlAssertion.parse(b64);

        assertThat(assertion.toString()).doesNotContain(b64).doesNotContain(b64.substring(0, 20))
                .doesNotContain("<saml").contains("roles=1");
        assertThat(assertion.encoded()).isEqualTo(b64);
    }
}
