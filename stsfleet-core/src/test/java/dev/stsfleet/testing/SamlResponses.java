package dev.stsfleet.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Unsigned SAML responses as IdPs hand them out, for tests whose STS checks structure only (the sandbox with a
 * SAML provider that has no certificate), and the page that carries one.
 */
public final class SamlResponses {
    private SamlResponses() {
    }

    /** A samlp:Response with one assertion: these Role values, this NotOnOrAfter (null: none), a SessionDuration. */
    public static String responseXml(List<String> roleValues, Instant notOnOrAfter, Integer sessionDuration) {
        StringBuilder values = new StringBuilder();
        for (String v : roleValues) {
            values.append("<saml:AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
                    + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">")
                    .append(v).append("</saml:AttributeValue>");
        }
        String nooa = notOnOrAfter == null ? "" : " NotOnOrAfter=\"" + notOnOrAfter + "\"";
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
                + "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r1\" Version=\"2.0\" "
                + "IssueInstant=\"2026-01-01T00:00:00Z\" Destination=\"https://signin.aws.amazon.com/saml\">"
                + "<saml:Issuer>urn:test</saml:Issuer>"
                + "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
                + "<saml:Assertion ID=\"_a1\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\">"
                + "<saml:Issuer>urn:test</saml:Issuer>"
                + "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\">"
                + "alice@example.com</saml:NameID>"
                + "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
                + "<saml:SubjectConfirmationData" + nooa + " Recipient=\"https://signin.aws.amazon.com/saml\"/>"
                + "</saml:SubjectConfirmation></saml:Subject>"
                + "<saml:Conditions NotBefore=\"2026-01-01T00:00:00Z\"" + nooa + ">"
                + "<saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience>"
                + "</saml:AudienceRestriction></saml:Conditions>"
                + "<saml:AttributeStatement>"
                + "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\" "
                + "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">" + values + "</saml:Attribute>"
                + "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\">"
                + "<saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>"
                + (sessionDuration == null ? "" : "<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/SessionDuration\">"
                + "<saml:AttributeValue>" + sessionDuration + "</saml:AttributeValue></saml:Attribute>")
                + "</saml:AttributeStatement></saml:Assertion></samlp:Response>";
    }

    public static String base64(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The page an IdP posts to AWS: saml-idp's layout (input split over lines, '=' as &#x3D;). */
    public static String postPage(String base64) {
        return "<html><body><form method=\"post\" name=\"hiddenform\" action=\"https://signin.aws.amazon.com/saml\">\n"
                + "  <input type=\"hidden\"\n         name=\"SAMLResponse\"\n         value=\""
                + base64.replace("=", "&#x3D;") + "\">\n</form></body></html>";
    }

}
