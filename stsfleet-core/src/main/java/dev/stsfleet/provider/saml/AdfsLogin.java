package dev.stsfleet.provider.saml;

import java.net.URI;
import java.util.List;

/**
 * ADFS forms authentication, as awsrun's POST branch does it: one POST of {@code UserName}, {@code Password} and
 * {@code AuthMethod=FormsAuthentication} to the IdpInitiatedSignOn URL, then the redirects. ADFS answers a wrong
 * password with its sign-in page again. Thread-safe.
 */
final class AdfsLogin implements IdpLogin {
    private final String username;
    private final char[] password;

    AdfsLogin(String username, char[] password) {
        this.username = username;
        this.password = password;
    }

    @Override
    public IdpHttp.Page login(IdpHttp http, URI url) {
        List<String[]> fields = List.of(new String[] {"UserName", username},
                new String[] {"AuthMethod", "FormsAuthentication"});
        return FormLogin.post(http, http.session(), url, fields, "Password", password);
    }
}
