package dev.stsfleet.provider.saml;

import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the IdP's {@code <input name="SAMLResponse" value="...">} in an HTML page, however the page is laid
 * out (attribute order, quoting, case, line breaks, character references such as {@code &#x3D;}), and checks
 * that its value is base64. Stateless and thread-safe. Never puts the value into a message.
 */
final class SamlResponseExtractor {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SamlResponseExtractor() {
    }

    /** Whether the page has a {@code SAMLResponse} input at all (whether or not its value is usable). */
    static boolean present(String html) {
        return Html.tags(html, "input").stream().anyMatch(t -> t.is("name", "SAMLResponse"));
    }

    /**
     * @return the base64 {@code SAMLResponse}, entities decoded and whitespace (line wrapping) removed
     * @throws IdpInvalidResponseException if the page has no such input, two different ones, an empty value,
     *                                     or a value that is not base64
     */
    static String extract(String html) {
        Set<String> values = new LinkedHashSet<>();
        for (Html.Tag input : Html.tags(html, "input")) {
            if (input.is("name", "SAMLResponse")) {
                values.add(WHITESPACE.matcher(input.attribute("value").orElse("")).replaceAll(""));
            }
        }
        if (values.isEmpty()) {
            throw new IdpInvalidResponseException("the IdP's page has no SAMLResponse form input");
        }
        if (values.size() > 1) {
            throw new IdpInvalidResponseException("the IdP's page has " + values.size()
                    + " different SAMLResponse inputs; cannot tell which one is meant");
        }
        String value = values.iterator().next();
        if (value.isEmpty()) {
            throw new IdpInvalidResponseException("the IdP's SAMLResponse input is empty");
        }
        decode(value);
        return value;
    }

    /** Decodes a base64 SAMLResponse, with a typed error that does not echo the input. */
    static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(WHITESPACE.matcher(base64).replaceAll(""));
        } catch (IllegalArgumentException e) {
            // The JDK's message names the offending character; ours names nothing from the input.
            throw new IdpInvalidResponseException("the IdP's SAMLResponse is not valid base64");
        }
    }
}
