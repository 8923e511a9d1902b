package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.testing.SamlResponses;
import java.time.Instant;
import java.util.List;

/** Builds SAML responses for tests, and checks that secrets stay out of messages. */
final class Saml {
    static final String PROVIDER = "arn:aws:iam::111111111111:saml-provider/TestIdP";

    private Saml() {
    }

    /** A samlp:Response with one assertion: these Role values, this NotOnOrAfter (null: none), a SessionDuration. */
    static String responseXml(List<String> roleValues, Instant notOnOrAfter, Integer sessionDuration) {
        return SamlResponses.responseXml(roleValues, notOnOrAfter, sessionDuration);
    }

    static String base64(String xml) {
        return SamlResponses.base64(xml);
    }

    /** The page an IdP posts to AWS: saml-idp's layout (input split over lines, '=' as &#x3D;). */
    static String postPage(String base64) {
        return SamlResponses.postPage(base64);
    }

    /** Asserts that no message or toString in the exception's whole chain contains any of the secrets. */
    static void assertNoSecretIn(Throwable t, String... secrets) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            for (String secret : secrets) {
                assertThat(String.valueOf(e.getMessage())).doesNotContain(secret);
                assertThat(e.toString()).doesNotContain(secret);
            }
        }
    }
}
