package dev.stsfleet.sandbox;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A SAML 2.0 response as AssumeRoleWithSAML reads it: structure checked, times checked, and, when the
 * provider has a certificate, the XML signature verified with the JDK's javax.xml.crypto. Parsing is
 * hardened: no DTDs, no external entities, no XInclude.
 */
record SamlAssertion(String issuer, String subject, String subjectType, String audience, List<String[]> rolePairs,
                     String roleSessionName, Integer sessionDuration, Instant sessionNotOnOrAfter) {
    static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    static final String ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
    static final String SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
    static final String SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
    static final List<String> AUDIENCES = List.of("https://signin.aws.amazon.com/saml", "urn:amazon:webservices");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    @Override
    public String toString() {
        return "SamlAssertion[issuer=" + issuer + ", roleSessionName=" + roleSessionName + "]";
    }

    /** Reads the base64 SAMLResponse for {@code provider} at {@code now}. @throws StsError on any defect */
    static SamlAssertion read(String base64, SandboxModel.SamlProvider provider, Instant now) {
        byte[] xml;
        try {
            xml = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw invalid("Invalid SAML response: not base64");
        }
        Document doc = parse(xml);
        Element response = doc.getDocumentElement();
        if (!PROTOCOL.equals(response.getNamespaceURI()) || !"Response".equals(response.getLocalName())) {
            throw invalid("Invalid SAML response: the root element is not a SAML 2.0 Response");
        }
        Element status = child(child(response, PROTOCOL, "Status"), PROTOCOL, "StatusCode");
        if (status != null && !"urn:oasis:names:tc:SAML:2.0:status:Success".equals(status.getAttribute("Value"))) {
            throw invalid("Invalid SAML response: the status is not Success");
        }
        List<Element> assertions = children(response, ASSERTION, "Assertion");
        if (assertions.size() != 1) {
            throw invalid("Invalid SAML response: expected exactly one Assertion");
        }
        Element assertion = assertions.get(0);
        if (provider.certificatePem() != null) {
            verifySignature(response, assertion, provider);
        }
        String issuer = text(child(assertion, ASSERTION, "Issuer"));
        if (issuer == null || issuer.isBlank()) {
            throw invalid("Invalid SAML response: the Assertion has no Issuer");
        }
        Element nameId = child(child(assertion, ASSERTION, "Subject"), ASSERTION, "NameID");
        if (nameId == null || text(nameId).isBlank()) {
            throw invalid("Invalid SAML response: the Assertion has no Subject NameID");
        }
        String format = nameId.getAttribute("Format");
        String subjectType = format.isEmpty() ? "unspecified"
                : format.startsWith("urn:oasis:names:tc:SAML:2.0:nameid-format:")
                ? format.substring("urn:oasis:names:tc:SAML:2.0:nameid-format:".length()) : format;
        Element conditions = child(assertion, ASSERTION, "Conditions");
        if (conditions == null) {
            throw invalid("Invalid SAML response: the Assertion has no Conditions");
        }
        checkWindow(conditions, now);
        Element confirmation = child(child(child(assertion, ASSERTION, "Subject"), ASSERTION, "SubjectConfirmation"),
                ASSERTION, "SubjectConfirmationData");
        if (confirmation != null) {
            checkWindow(confirmation, now);
        }
        String audience = null;
        for (Element restriction : children(conditions, ASSERTION, "AudienceRestriction")) {
            for (Element a : children(restriction, ASSERTION, "Audience")) {
                if (AUDIENCES.contains(text(a).trim())) {
                    audience = text(a).trim();
                }
            }
        }
        if (audience == null) {
            throw invalid("Invalid SAML response: the audience is not https://signin.aws.amazon.com/saml");
        }
        Instant sessionEnd = null;
        Element authn = child(assertion, ASSERTION, "AuthnStatement");
        if (authn != null && authn.hasAttribute("SessionNotOnOrAfter")) {
            sessionEnd = instant(authn.getAttribute("SessionNotOnOrAfter"));
            if (!now.isBefore(sessionEnd)) {
                throw expired();
            }
        }
        List<String[]> pairs = new ArrayList<>();
        String sessionName = null;
        Integer duration = null;
        for (Element statement : children(assertion, ASSERTION, "AttributeStatement")) {
            for (Element attribute : children(statement, ASSERTION, "Attribute")) {
                List<String> values = children(attribute, ASSERTION, "AttributeValue").stream()
                        .map(v -> text(v).trim()).toList();
                switch (attribute.getAttribute("Name")) {
                    case ROLE_ATTRIBUTE -> {
                        for (String v : values) {
                            String[] parts = v.split(",");
                            if (parts.length == 2) {
                                pairs.add(new String[] {parts[0].trim(), parts[1].trim()});
                            }
                        }
                    }
                    case SESSION_NAME_ATTRIBUTE -> sessionName = values.isEmpty() ? null : values.get(0);
                    case SESSION_DURATION_ATTRIBUTE -> {
                        try {
                            duration = values.isEmpty() ? null : Integer.valueOf(values.get(0));
                        } catch (NumberFormatException e) {
                            throw invalid("Invalid SAML response: SessionDuration is not a number");
                        }
                    }
                    default -> {
                        // Other attributes (tags, source identity) are accepted and ignored.
                    }
                }
            }
        }
        if (pairs.isEmpty()) {
            throw invalid("Invalid SAML response: no " + ROLE_ATTRIBUTE + " attribute with a role,provider pair");
        }
        if (sessionName == null || !SESSION_NAME.matcher(sessionName).matches()) {
            throw invalid("Invalid SAML response: " + SESSION_NAME_ATTRIBUTE + " must be 2 to 64 characters of [\\w+=,.@-]");
        }
        return new SamlAssertion(issuer.trim(), text(nameId).trim(), subjectType, audience, List.copyOf(pairs),
                sessionName, duration, sessionEnd);
    }

    /** Whether the Role attribute pairs {@code roleArn} with {@code providerArn}, in either order. */
    boolean pairs(String roleArn, String providerArn) {
        for (String[] pair : rolePairs) {
            if ((pair[0].equals(roleArn) && pair[1].equals(providerArn))
                    || (pair[1].equals(roleArn) && pair[0].equals(providerArn))) {
                return true;
            }
        }
        return false;
    }

    /** AWS's NameQualifier: base64(SHA-1(issuer + account id + "/" + provider name)). */
    String nameQualifier(String providerArn) {
        String account = SandboxModel.account(SandboxModel.SAML_PROVIDER_ARN, providerArn);
        String name = providerArn.substring(providerArn.indexOf(":saml-provider/") + ":saml-provider/".length());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1")
                    .digest((issuer + account + "/" + name).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            // The parser's message may quote the document; say only that it is not acceptable XML.
            throw invalid("Invalid SAML response: not well-formed XML, or it declares a DTD");
        }
    }

    private static void verifySignature(Element response, Element assertion, SandboxModel.SamlProvider provider) {
        markId(response);
        markId(assertion);
        java.security.PublicKey key;
        try {
            key = provider.certificate().getPublicKey();
        } catch (CertificateException e) {
            throw new IllegalStateException("model certificate was validated at build", e);
        }
        XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
        for (Element signed : List.of(response, assertion)) {
            Element signature = child(signed, XMLSignature.XMLNS, "Signature");
            if (signature == null) {
                continue;
            }
            try {
                DOMValidateContext context = new DOMValidateContext(key, signature);
                context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
                XMLSignature xmlSignature = factory.unmarshalXMLSignature(context);
                List<?> references = xmlSignature.getSignedInfo().getReferences();
                // The signature must cover the very element it sits in, or a signed element could be
                // wrapped around unsigned content.
                boolean coversParent = references.size() == 1
                        && ("#" + signed.getAttribute("ID")).equals(((Reference) references.get(0)).getURI());
                if (coversParent && xmlSignature.validate(context)) {
                    return;
                }
            } catch (Exception e) {
                throw invalid("Invalid SAML response: Response signature invalid");
            }
        }
        throw invalid("Invalid SAML response: Response signature invalid");
    }

    private static void markId(Element element) {
        if (element.hasAttribute("ID")) {
            element.setIdAttribute("ID", true);
        }
    }

    private static void checkWindow(Element element, Instant now) {
        if (element.hasAttribute("NotBefore") && now.isBefore(instant(element.getAttribute("NotBefore")))) {
            throw invalid("Invalid SAML response: the assertion is not yet valid");
        }
        if (element.hasAttribute("NotOnOrAfter") && !now.isBefore(instant(element.getAttribute("NotOnOrAfter")))) {
            throw expired();
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw invalid("Invalid SAML response: a time is not ISO-8601 UTC");
        }
    }

    private static StsError invalid(String message) {
        return StsError.sender(400, "InvalidIdentityToken", message);
    }

    private static StsError expired() {
        return StsError.sender(400, "ExpiredTokenException", "Token expired: the SAML assertion is no longer valid");
    }

    private static Element child(Element parent, String namespace, String localName) {
        if (parent == null) {
            return null;
        }
        List<Element> found = children(parent, namespace, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element element) {
        return element == null ? null : element.getTextContent();
    }
}
