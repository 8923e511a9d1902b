package dev.stsfleet.provider.saml;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.apache.http.auth.Credentials;
import org.apache.http.auth.NTCredentials;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.client.config.AuthSchemes;

/**
 * HTTP authentication: a GET of the sign-on URL that answers the IdP's {@code 401 WWW-Authenticate} challenge with
 * one of the allowed schemes (Basic, Digest as RFC 7616 with MD5 or SHA-256, NTLMv2), as Windows-integrated
 * ADFS and PingFederate ask. With Basic alone the first request already carries the header (no 401 awaited);
 * with several schemes ({@code auto}) the first the IdP offers, in the order given, wins. An IdP that shows a
 * login form instead of a challenge gets the form filled in when {@code form} is given. Thread-safe.
 *
 * <p>NTLM user names are <code>DOMAIN&#92;user</code> or {@code user@domain} (sent as given, with no domain). HttpClient
 * takes the password as a String: one is made per challenge answered and dropped right after.
 */
final class ChallengeLogin implements IdpLogin {
    private final List<String> schemes;
    private final String username;
    private final char[] password;
    private final FormLogin form;

    /** {@code schemes}: {@link AuthSchemes} names in order of preference; {@code form}: {@code null} for none. */
    ChallengeLogin(List<String> schemes, String username, char[] password, FormLogin form) {
        this.schemes = List.copyOf(schemes);
        this.username = username;
        this.password = password;
        this.form = form;
    }

    @Override
    public IdpHttp.Page login(IdpHttp http, URI url) {
        boolean preemptive = schemes.equals(List.of(AuthSchemes.BASIC));
        IdpHttp.Session session = http.session(schemes, this::credentials, preemptive);
        IdpHttp.Page page = http.get(session, url);
        if (form != null && page.status() / 100 == 2 && !SamlResponseExtractor.present(page.body())
                && Html.hasPasswordInput(page.body())) {
            return form.submit(http, session, page);
        }
        return page;
    }

    private Credentials credentials(String scheme) {
        if (!scheme.equals(AuthSchemes.NTLM.toUpperCase(Locale.ROOT))) {
            return new UsernamePasswordCredentials(username, new String(password));
        }
        int slash = username.indexOf('\\');
        String domain = slash > 0 ? username.substring(0, slash) : null;
        String user = slash > 0 ? username.substring(slash + 1) : username;
        return new NTCredentials(user, new String(password), null, domain);
    }
}
