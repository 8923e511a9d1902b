package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamlResponseExtractorTest {
    private static final String B64 = Saml.base64(Saml.responseXml(
            List.of("arn:aws:iam::222222222222:role/Deploy," + Saml.PROVIDER), Instant.parse("2026-01-01T00:05:00Z"), null));

    @Test
    void extract_sampleIdpLayout_splitLinesAndEncodedPadding() {
        assertThat(B64).endsWith("=");

        assertThat(SamlResponseExtractor.extract(Saml.postPage(B64))).isEqualTo(B64);
    }

    @Test
    void extract_keycloakLayout_oneLineSelfClosing() {
        String html = "<form name=\"saml-post-binding\" method=\"post\" action=\"https://signin.aws.amazon.com/saml\">"
                + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"" + B64 + "\"/><noscript><button>Go</button>"
                + "</noscript></form>";

        assertThat(SamlResponseExtractor.extract(html)).isEqualTo(B64);
    }

    @Test
    void extract_valueBeforeName_singleQuotes_upperCase() {
        String html = "<FORM><INPUT VALUE='" + B64 + "' TYPE=hidden\n\tNAME='SAMLResponse'></FORM>";

        assertThat(SamlResponseExtractor.extract(html)).isEqualTo(B64);
    }

    @Test
    void extract_unquotedValue_and_entitiesOfEveryKind() {
        String encoded = B64.replace("=", "&#61;").replace("+", "&#x2B;").replace("/", "&sol;");
        String html = "<input name=SAMLResponse value=" + encoded + " type=hidden>";

        assertThat(SamlResponseExtractor.extract(html)).isEqualTo(B64);
    }

    @Test
    void extract_valueWrappedOverLines_isJoined() {
        String wrapped = B64.substring(0, 40) + "\n   " + B64.substring(40, 80) + "\r\n" + B64.substring(80);
        String html = "<input type=\"hidden\" name=\"SAMLResponse\" value=\"" + wrapped + "\">";

        assertThat(SamlResponseExtractor.extract(html)).isEqualTo(B64);
    }

    @Test
    void extract_ignoresDecoysInCommentsAndScripts_andQuotedGreaterThan() {
        String html = "<!-- <input name=\"SAMLResponse\" value=\"ZGVjb3k=\"> -->"
                + "<script>var s = '<input name=\"SAMLResponse\" value=\"ZGVjb3k=\">';</script>"
                + "<input title=\"a > b\" name=\"SAMLResponse\" value=\"" + B64 + "\">";

        assertThat(SamlResponseExtractor.extract(html)).isEqualTo(B64);
    }

    @Test
    void extract_otherInputNamesAreNotTaken() {
        String html = "<input name=\"SAMLResponseX\" value=\"ZGVjb3k=\"><input name=\"RelayState\" value=\"x\">";

        assertThatThrownBy(() -> SamlResponseExtractor.extract(html))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("no SAMLResponse");
    }

    @Test
    void extract_pageWithoutInput_isInvalidResponse() {
        assertThatThrownBy(() -> SamlResponseExtractor.extract("<html><body>Welcome</body></html>"))
                .isInstanceOf(IdpInvalidResponseException.class);
    }

    @Test
    void extract_twoDifferentInputs_isInvalidResponse() {
        String html = "<input name=\"SAMLResponse\" value=\"" + B64 + "\"><input name=\"SAMLResponse\" value=\"ZGVjb3k=\">";

        assertThatThrownBy(() -> SamlResponseExtractor.extract(html))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("2 different");
    }

    @Test
    void extract_emptyValue_isInvalidResponse() {
        assertThatThrownBy(() -> SamlResponseExtractor.extract("<input name=\"SAMLResponse\" value=\"\">"))
                .isInstanceOf(IdpInvalidResponseException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void extract_malformedBase64_isInvalidResponse_withoutEchoingTheValue() {
        String bad = "PHNhbWw+not*base64!!secretish";

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> SamlResponseExtractor.extract("<input name=\"SAMLResponse\" value=\"" + bad + "\">"));

        assertThat(thrown).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("base64");
        Saml.assertNoSecretIn(thrown, bad, "secretish");
    }

    @Test
    void extract_hugePage_doesNotOverflowTheStack() {
        String big = "A".repeat(3_000_000);
        String html = "<!-- " + "x".repeat(1_000_000) + " --><div>" + "<p>".repeat(10_000)
                + "<input name=\"SAMLResponse\" value=\"" + big + "\">";

        assertThat(SamlResponseExtractor.extract(html)).hasSize(big.length());
    }

    @Test
    void extract_unterminatedTagsAndComments_doNotHang() {
        assertThatThrownBy(() -> SamlResponseExtractor.extract("<input name=\"SAMLResponse\" value=\"abc"))
                .isInstanceOf(IdpInvalidResponseException.class);
        assertThatThrownBy(() -> SamlResponseExtractor.extract("<!-- <input name=SAMLResponse value=" + B64 + ">"))
                .isInstanceOf(IdpInvalidResponseException.class);
    }

    @Test
    void forms_findTheLoginFormItsActionAndHiddenInputs() {
        String html = "<form id=\"search\" action=\"/search\"><input name=\"q\"></form>"
                + "<form id=\"kc-form-login\" action=\"https://idp/login-actions/authenticate?session_code=a&amp;execution=b\""
                + " method=\"post\"><input id=\"username\" name=\"username\" type=\"text\">"
                + "<input name=\"password\" type=\"password\"><input type=\"hidden\" name=\"credentialId\" value=\"\">"
                + "</form>";

        List<Html.Form> forms = Html.forms(html);

        assertThat(forms).hasSize(2);
        Html.Form login = forms.get(1);
        assertThat(login.passwordInput()).isPresent();
        assertThat(login.tag().attribute("action"))
                .contains("https://idp/login-actions/authenticate?session_code=a&execution=b");
        assertThat(login.inputs()).extracting(t -> t.attribute("name").orElse(""))
                .containsExactly("username", "password", "credentialId");
    }
}
