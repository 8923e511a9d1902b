package dev.stsfleet.provider.saml;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IdP's own login form (Keycloak, Shibboleth, an ADFS sign-in page): GET the sign-on URL, find the form with
 * a password input, POST its hidden fields with the user name and password to its action, follow the redirects.
 * An IdP that hands out the SAML response without asking is taken at its word. Thread-safe.
 */
final class FormLogin implements IdpLogin {
    private static final Logger LOG = LoggerFactory.getLogger(FormLogin.class);

    private final String username;
    private final char[] password;
    private final String usernameField;
    private final String passwordField;

    /** {@code usernameField}, {@code passwordField}: {@code null} to take them from the form. */
    FormLogin(String username, char[] password, String usernameField, String passwordField) {
        this.username = username;
        this.password = password;
        this.usernameField = usernameField;
        this.passwordField = passwordField;
    }

    @Override
    public IdpHttp.Page login(IdpHttp http, URI url) {
        IdpHttp.Session session = http.session();
        IdpHttp.Page page = http.get(session, url);
        if (page.status() / 100 != 2 || SamlResponseExtractor.present(page.body())) {
            // An error for IdpClient to judge, or an IdP that recognised the caller without a password.
            return page;
        }
        return submit(http, session, page);
    }

    /** Fills in and POSTs the login form of {@code page}, in the session that fetched it. */
    IdpHttp.Page submit(IdpHttp http, IdpHttp.Session session, IdpHttp.Page page) {
        List<Html.Form> forms = Html.forms(page.body());
        Html.Form form = forms.stream().filter(f -> f.passwordInput().isPresent()).findFirst()
                .or(() -> forms.stream().filter(f -> f.tag().is("method", "post")).findFirst())
                .orElseThrow(() -> new IdpInvalidResponseException("the IdP's page at " + page.where()
                        + " has no login form"));
        String passwordName = passwordField != null ? passwordField
                : form.passwordInput().flatMap(t -> t.attribute("name")).orElse("password");
        // Guess the user name field only on a real login form (one with a password input): elsewhere the
        // first text input is something else (saml-idp's is the subject NameID, which a POST would overwrite).
        String usernameName = usernameField != null ? usernameField
                : form.passwordInput().isPresent() ? usernameInput(form).orElse("username") : "username";
        URI action = resolve(page.uri(), form.tag().attribute("action").filter(a -> !a.isBlank()).orElse(null));

        // Hidden inputs carry the IdP's own state (execution ids, CSRF tokens); visible ones are not ours to send.
        List<String[]> fields = new ArrayList<>();
        for (Html.Tag input : form.inputs()) {
            Optional<String> name = input.attribute("name");
            if (input.is("type", "hidden") && name.isPresent()
                    && !name.get().equals(usernameName) && !name.get().equals(passwordName)) {
                fields.add(new String[] {name.get(), input.attribute("value").orElse("")});
            }
        }
        fields.add(new String[] {usernameName, username});
        LOG.debug("posting the login form to {} (fields: {}, {}, {} hidden)", IdpHttp.origin(action) + action.getRawPath(),
                usernameName, passwordName, fields.size() - 1);
        return post(http, session, action, fields, passwordName, password);
    }

    /**
     * POSTs {@code fields} and then {@code passwordName=password} as a form. The body is built as bytes, so the
     * password never becomes a String, and zeroed after the request.
     */
    static IdpHttp.Page post(IdpHttp http, IdpHttp.Session session, URI action, List<String[]> fields,
                             String passwordName, char[] password) {
        StringBuilder prefix = new StringBuilder();
        for (String[] field : fields) {
            prefix.append(encode(field[0])).append('=').append(encode(field[1])).append('&');
        }
        prefix.append(encode(passwordName)).append('=');
        byte[] head = prefix.toString().getBytes(StandardCharsets.UTF_8);
        byte[] secret = percentEncode(password);
        byte[] body = Arrays.copyOf(head, head.length + secret.length);
        System.arraycopy(secret, 0, body, head.length, secret.length);
        Arrays.fill(secret, (byte) 0);
        try {
            return http.post(session, action, body);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    private static Optional<String> usernameInput(Html.Form form) {
        for (Html.Tag input : form.inputs()) {
            String type = input.attribute("type").orElse("text").trim().toLowerCase(Locale.ROOT);
            if (input.attribute("name").isPresent() && (type.equals("text") || type.equals("email"))) {
                return input.attribute("name");
            }
        }
        return Optional.empty();
    }

    private static byte[] percentEncode(char[] chars) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] raw = new byte[utf8.remaining()];
        utf8.get(raw);
        if (utf8.hasArray()) {
            Arrays.fill(utf8.array(), (byte) 0);
        }
        byte[] out = new byte[raw.length * 3];
        int n = 0;
        for (byte b : raw) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '*') {
                out[n++] = (byte) c;
            } else if (c == ' ') {
                out[n++] = '+';
            } else {
                out[n++] = '%';
                out[n++] = (byte) Character.toUpperCase(Character.forDigit(c >> 4, 16));
                out[n++] = (byte) Character.toUpperCase(Character.forDigit(c & 0xf, 16));
            }
        }
        Arrays.fill(raw, (byte) 0);
        byte[] result = Arrays.copyOf(out, n);
        Arrays.fill(out, (byte) 0);
        return result;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static URI resolve(URI base, String reference) {
        if (reference == null) {
            return base;
        }
        try {
            // Some IdPs put spaces or unencoded characters into actions; encode only what URI rejects.
            return base.resolve(new URI(reference.trim().replace(" ", "%20")));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IdpInvalidResponseException("the IdP sent an unusable URL (from " + IdpHttp.origin(base) + ")");
        }
    }
}
