package dev.stsfleet.provider.saml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A SAML response from an IdP, read for what AWS needs: the roles it offers, when it stops being accepted,
 * the session duration it asks for, and its subject. Immutable and thread-safe. The encoded response is a
 * secret (whoever holds it can assume its roles until it expires): {@link #toString()} never shows it, and
 * only this package can read it back.
 *
 * <p>Parsing is hardened: no DOCTYPE (so no DTD, no entity expansion, no external entity), no XInclude,
 * secure processing on, and at most {@link #MAX_BYTES} of XML.
 */
public final class SamlAssertion {
    /** The largest decoded SAML response accepted: 1 MiB, far above any real one (a few KiB). */
    public static final int MAX_BYTES = 1 << 20;
    static final String ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
    static final String SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
    static final String SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
    private static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
    private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
    private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    private static final Logger LOG = LoggerFactory.getLogger(SamlAssertion.class);

    private final String encoded;
    private final List<SamlRole> roles;
    private final Instant notOnOrAfter;
    private final Duration sessionDuration;
    private final String subject;
    private final String sessionName;

    private SamlAssertion(String encoded, List<SamlRole> roles, Instant notOnOrAfter, Duration sessionDuration,
                          String subject, String sessionName) {
        this.encoded = encoded;
        this.roles = List.copyOf(roles);
        this.notOnOrAfter = notOnOrAfter;
        this.sessionDuration = sessionDuration;
        this.subject = subject;
        this.sessionName = sessionName;
    }

    /**
     * Decodes and reads a base64 {@code SAMLResponse} (a {@code samlp:Response}, or a bare
     * {@code saml:Assertion}).
     *
     * @throws IdpInvalidResponseException if it is not base64, larger than {@link #MAX_BYTES}, not
     *                                     well-formed, declares a DOCTYPE, or holds no readable assertion
     * @throws IdpAccessDeniedException    if it is a response whose status is not {@code Success}
     */
    public static SamlAssertion parse(String base64) {
        Objects.requireNonNull(base64, "base64");
        String compact = base64.replaceAll("\\s+", "");
        if (compact.length() > (MAX_BYTES / 3 + 1) * 4) {
            throw new IdpInvalidResponseException("the SAML response is larger than " + MAX_BYTES + " bytes");
        }
        byte[] xml = SamlResponseExtractor.decode(compact);
        if (xml.length > MAX_BYTES) {
            throw new IdpInvalidResponseException("the SAML response is larger than " + MAX_BYTES + " bytes");
        }
        return read(compact, parseXml(xml));
    }

    /** Every role the assertion offers, in document order (which some IdPs do not keep stable). */
    public List<SamlRole> roles() {
        return roles;
    }

    /**
     * The earliest {@code NotOnOrAfter} of the assertion's {@code Conditions} and its
     * {@code SubjectConfirmationData}: from then on AWS refuses it. Empty if the IdP set neither.
     */
    public Optional<Instant> notOnOrAfter() {
        return Optional.ofNullable(notOnOrAfter);
    }

    /** The {@code https://aws.amazon.com/SAML/Attributes/SessionDuration} the IdP asks for, if any. */
    public Optional<Duration> sessionDuration() {
        return Optional.ofNullable(sessionDuration);
    }

    /** The subject's {@code NameID}, or empty if the assertion has none. */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** The {@code https://aws.amazon.com/SAML/Attributes/RoleSessionName}, if any. */
    public Optional<String> sessionName() {
        return Optional.ofNullable(sessionName);
    }

    /** The base64 response as the IdP sent it (whitespace removed): what AssumeRoleWithSAML takes. A secret. */
    String encoded() {
        return encoded;
    }

    @Override
    public String toString() {
        return "SamlAssertion[subject=" + subject + ", roles=" + roles.size() + ", notOnOrAfter=" + notOnOrAfter
                + ", sessionDuration=" + sessionDuration + "]";
    }

    private static Document parseXml(byte[] xml) {
        try {
            DocumentBuilder builder = hardenedFactory().newDocumentBuilder();
            // The default handler prints to stderr; errors are thrown as typed exceptions instead.
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException exception) {
                }

                @Override
                public void error(SAXParseException exception) throws SAXException {
                    throw exception;
                }

                @Override
                public void fatalError(SAXParseException exception) throws SAXException {
                    throw exception;
                }
            });
            // Belt and braces: the DOCTYPE ban already stops every entity, but no resolver may fetch either.
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are refused");
            });
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            boolean doctype = String.valueOf(e.getMessage()).contains("DOCTYPE");
            throw new IdpInvalidResponseException(doctype
                    ? "the SAML response declares a DOCTYPE, which is refused (no DTDs, no entities)"
                    : "the SAML response is not well-formed XML" + position(e), e);
        } catch (IOException e) {
            throw new IdpInvalidResponseException("the SAML response cannot be read", e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("this JDK's XML parser cannot be hardened", e);
        }
    }

    private static String position(SAXException e) {
        return e instanceof SAXParseException p && p.getLineNumber() > 0
                ? " (line " + p.getLineNumber() + ", column " + p.getColumnNumber() + ")" : "";
    }

    static DocumentBuilderFactory hardenedFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setValidating(false);
        return factory;
    }

    private static SamlAssertion read(String encoded, Document document) {
        Element root = document.getDocumentElement();
        Element assertion;
        if (PROTOCOL_NS.equals(root.getNamespaceURI()) && "Response".equals(root.getLocalName())) {
            checkStatus(root);
            assertion = first(root, ASSERTION_NS, "Assertion");
            if (assertion == null) {
                throw new IdpInvalidResponseException(first(root, ASSERTION_NS, "EncryptedAssertion") != null
                        ? "the SAML response holds only an encrypted assertion, which this tool cannot read"
                        : "the SAML response holds no assertion");
            }
        } else if (ASSERTION_NS.equals(root.getNamespaceURI()) && "Assertion".equals(root.getLocalName())) {
            assertion = root;
        } else {
            throw new IdpInvalidResponseException("the SAMLResponse is XML but not a SAML 2.0 response (root element "
                    + root.getLocalName() + ")");
        }

        List<SamlRole> roles = new ArrayList<>();
        for (String value : attributeValues(assertion, ROLE_ATTRIBUTE)) {
            Optional<SamlRole> role = SamlRole.parse(value);
            if (role.isPresent()) {
                if (!roles.contains(role.get())) {
                    roles.add(role.get());
                }
            } else {
                LOG.warn("ignoring a Role value of the SAML assertion that is not 'role ARN,provider ARN': {}", value);
            }
        }
        LOG.debug("roles in the SAML assertion: {}", roles);

        Instant notOnOrAfter = null;
        for (String name : List.of("Conditions", "SubjectConfirmationData")) {
            NodeList nodes = assertion.getElementsByTagNameNS(ASSERTION_NS, name);
            for (int i = 0; i < nodes.getLength(); i++) {
                String value = ((Element) nodes.item(i)).getAttribute("NotOnOrAfter");
                if (!value.isBlank()) {
                    Instant instant = instant(value);
                    notOnOrAfter = notOnOrAfter == null || instant.isBefore(notOnOrAfter) ? instant : notOnOrAfter;
                }
            }
        }

        Duration sessionDuration = null;
        List<String> durations = attributeValues(assertion, SESSION_DURATION_ATTRIBUTE);
        if (!durations.isEmpty()) {
            try {
                long seconds = Long.parseLong(durations.get(0));
                sessionDuration = seconds > 0 ? Duration.ofSeconds(seconds) : null;
            } catch (NumberFormatException e) {
                LOG.warn("ignoring the SAML SessionDuration attribute: not a number of seconds");
            }
        }

        Element subjectElement = first(assertion, ASSERTION_NS, "Subject");
        Element nameId = subjectElement == null ? null : first(subjectElement, ASSERTION_NS, "NameID");
        String subject = nameId == null ? null : blankToNull(nameId.getTextContent());
        List<String> sessionNames = attributeValues(assertion, SESSION_NAME_ATTRIBUTE);
        String sessionName = sessionNames.isEmpty() ? null : blankToNull(sessionNames.get(0));
        return new SamlAssertion(encoded, roles, notOnOrAfter, sessionDuration, subject, sessionName);
    }

    private static void checkStatus(Element response) {
        Element status = first(response, PROTOCOL_NS, "Status");
        Element code = status == null ? null : first(status, PROTOCOL_NS, "StatusCode");
        if (code != null && !SUCCESS.equals(code.getAttribute("Value").trim())) {
            Element inner = first(code, PROTOCOL_NS, "StatusCode");
            throw new IdpAccessDeniedException("the IdP's SAML response has status " + code.getAttribute("Value")
                    + (inner == null ? "" : " / " + inner.getAttribute("Value")));
        }
    }

    private static List<String> attributeValues(Element assertion, String attributeName) {
        List<String> values = new ArrayList<>();
        NodeList attributes = assertion.getElementsByTagNameNS(ASSERTION_NS, "Attribute");
        for (int i = 0; i < attributes.getLength(); i++) {
            Element attribute = (Element) attributes.item(i);
            if (!attributeName.equals(attribute.getAttribute("Name").trim())) {
                continue;
            }
            NodeList children = attribute.getElementsByTagNameNS(ASSERTION_NS, "AttributeValue");
            for (int j = 0; j < children.getLength(); j++) {
                String text = children.item(j).getTextContent();
                if (text != null && !text.isBlank()) {
                    values.add(text.trim());
                }
            }
        }
        return values;
    }

    private static Element first(Element parent, String namespace, String localName) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && namespace.equals(e.getNamespaceURI())
                    && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static Instant instant(String value) {
        String v = value.trim();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IdpInvalidResponseException("the SAML assertion has a malformed NotOnOrAfter");
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
