package dev.stsfleet.provider.saml;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.http.client.config.AuthSchemes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to a SAML identity provider and returns the SAML response it hands out, the way a browser would
 * for an IdP-initiated sign-on URL. The ways to log in ({@link Login}): HTTP authentication answering the IdP's
 * challenge (Basic, Digest, NTLM, or whichever of them the IdP offers), the IdP's login form filled in and
 * POSTed, ADFS forms authentication, or a plain GET for an IdP that needs no password.
 *
 * <p>This class judges where a login ends (a SAML response, a refusal, the login form again); the HTTP exchange
 * is {@link IdpHttp}'s (Apache HttpClient: each login a fresh session with its own cookies, at most
 * {@value IdpHttp#MAX_REDIRECTS} redirects, never from HTTPS down to HTTP, credentials only for the sign-on URL's
 * origin, pages up to {@value IdpHttp#MAX_PAGE_BYTES} bytes, TLS verified unless
 * {@link Builder#verifyTls(boolean) verifyTls(false)}, which logs a warning), and the steps of each login are
 * an {@link IdpLogin}'s.
 *
 * <p>Thread-safe: concurrent logins are independent. The password is kept as a {@code char[]} copy and
 * zeroed by {@link #close()}. It never appears in a message, a log line or {@link #toString()}.
 */
public final class IdpClient implements AutoCloseable {
    /** How the client proves who the user is. */
    public enum Login {
        /** HTTP Basic: the first GET already carries the header; a 401 challenge is answered too. */
        BASIC,
        /** HTTP Digest (RFC 7616, MD5 or SHA-256, {@code qop=auth}), answering the IdP's 401 challenge. */
        DIGEST,
        /** NTLMv2 (Windows-integrated ADFS), answering the IdP's 401 challenge; user <code>DOMAIN&#92;user</code> or {@code user@domain}. */
        NTLM,
        /** GET the URL, find its login form, POST the user name and password to the form's action. */
        FORM,
        /** ADFS forms authentication: POST {@code UserName}, {@code Password}, {@code AuthMethod=FormsAuthentication}. */
        ADFS,
        /** Whatever the IdP asks for: NTLM, Digest or Basic from its challenge (in that order), else its login form. */
        AUTO,
        /** A plain GET, for an IdP that authenticates otherwise (network, client certificate). */
        NONE;

        /**
         * The login named as {@code --idp-auth} and {@code x_stsfleet_saml_login} name it: {@code basic},
         * {@code digest}, {@code ntlm}, {@code form}, {@code adfs}, {@code auto} (any case).
         *
         * @throws IllegalArgumentException for any other name (including {@code none}, which needs no user)
         */
        public static Login named(String name) {
            String upper = name.trim().toUpperCase(Locale.ROOT);
            if (upper.equals("NONE") || Arrays.stream(values()).noneMatch(l -> l.name().equals(upper))) {
                throw new IllegalArgumentException("unknown IdP login " + name + " (basic, digest, ntlm, form, adfs or auto)");
            }
            return valueOf(upper);
        }
    }

    static final int MAX_REDIRECTS = IdpHttp.MAX_REDIRECTS;
    private static final Logger LOG = LoggerFactory.getLogger(IdpClient.class);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> OWN_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "host",
            "content-length", "content-type", "transfer-encoding", "connection", "expect", "upgrade", "te", "trailer");

    private final URI url;
    private final Login login;
    private final String username;
    private final char[] password;
    private final boolean verifyTls;
    private final IdpHttp http;
    private final IdpLogin steps;
    private volatile boolean closed;

    private IdpClient(Builder b) {
        this.url = b.url;
        this.login = b.login;
        this.username = b.username;
        this.password = b.password == null ? null : b.password.clone();
        this.verifyTls = b.verifyTls;
        if ("http".equals(url.getScheme()) && login != Login.NONE && !LoopbackCookies.isLoopback(url)) {
            LOG.warn("the IdP at {} is reached over plain HTTP: the password travels unencrypted", IdpHttp.origin(url));
        }
        this.http = new IdpHttp(url, b.headers, b.verifyTls, b.sslContext, b.connectTimeout, b.requestTimeout);
        FormLogin form = new FormLogin(username, password, b.usernameField, b.passwordField);
        this.steps = switch (login) {
            case BASIC -> new ChallengeLogin(List.of(AuthSchemes.BASIC), username, password, null);
            case DIGEST -> new ChallengeLogin(List.of(AuthSchemes.DIGEST), username, password, null);
            case NTLM -> new ChallengeLogin(List.of(AuthSchemes.NTLM), username, password, null);
            case AUTO -> new ChallengeLogin(List.of(AuthSchemes.NTLM, AuthSchemes.DIGEST, AuthSchemes.BASIC),
                    username, password, form);
            case FORM -> form;
            case ADFS -> new AdfsLogin(username, password);
            case NONE -> (h, u) -> h.get(h.session(), u);
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Logs in and reads the SAML response the IdP returns.
     *
     * @throws IdpAccessDeniedException    HTTP 401/403, the login form shown again, or a non-success status
     * @throws IdpInvalidResponseException an unexpected status or page, or an unreadable SAML response
     * @throws IdpException                the IdP cannot be reached (connection, TLS, timeout)
     */
    public SamlAssertion login() {
        return SamlAssertion.parse(fetchSamlResponse());
    }

    /** Logs in and returns the base64 {@code SAMLResponse} (a secret), not yet parsed. */
    String fetchSamlResponse() {
        if (closed) {
            throw new IllegalStateException("this IdP client is closed");
        }
        LOG.info("logging in to the IdP at {} ({} login)", IdpHttp.origin(url) + url.getRawPath(),
                login.name().toLowerCase(Locale.ROOT));
        IdpHttp.Page page = steps.login(http, url);
        if (page.status() == 401 || page.status() == 403) {
            throw new IdpAccessDeniedException("IdP access denied: the IdP at " + IdpHttp.origin(page.uri())
                    + " refused the login (HTTP " + page.status() + ")" + offered(page));
        }
        if (page.status() < 200 || page.status() >= 300) {
            throw new IdpInvalidResponseException("the IdP at " + page.where() + " answered HTTP " + page.status());
        }
        if (SamlResponseExtractor.present(page.body())) {
            String response = SamlResponseExtractor.extract(page.body());
            LOG.debug("the IdP returned a SAML response ({} base64 characters)", response.length());
            return response;
        }
        if (login != Login.NONE && Html.hasPasswordInput(page.body())) {
            throw new IdpAccessDeniedException("IdP access denied: the IdP at " + IdpHttp.origin(url)
                    + " showed its login form again: user name or password not accepted");
        }
        throw new IdpInvalidResponseException("the IdP's page at " + page.where() + " has no SAMLResponse form input");
    }

    /** Which schemes a refusing IdP asks for, when that is not what was tried: the likely fix. */
    private String offered(IdpHttp.Page page) {
        if (page.challenges().isEmpty()) {
            return "";
        }
        String asked = String.join(", ", page.challenges());
        boolean tried = page.challenges().stream().anyMatch(c -> c.equalsIgnoreCase(login.name())
                || login == Login.AUTO && List.of("ntlm", "digest", "basic").contains(c.toLowerCase(Locale.ROOT)));
        return tried ? "" : "; it asks for " + asked + ", which " + login.name().toLowerCase(Locale.ROOT)
                + " login does not answer";
    }

    /** Zeroes the password and releases the HTTP connections. */
    @Override
    public void close() {
        closed = true;
        if (password != null) {
            Arrays.fill(password, '\0');
        }
        http.close();
    }

    @Override
    public String toString() {
        return "IdpClient[url=" + IdpHttp.origin(url) + url.getRawPath() + ", login=" + login + ", user=" + username
                + ", verifyTls=" + verifyTls + "]";
    }

    /** Configures an {@link IdpClient}. Not thread-safe; {@link #build()} copies everything it needs. */
    public static final class Builder {
        private URI url;
        private Login login = Login.FORM;
        private String username;
        private char[] password;
        private String usernameField;
        private String passwordField;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean verifyTls = true;
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The IdP's sign-on URL (for ADFS the IdpInitiatedSignOn URL, for Keycloak the IdP-initiated SSO URL). Required. */
        public Builder url(URI url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /** How to log in. Default {@link Login#FORM}. */
        public Builder login(Login login) {
            this.login = Objects.requireNonNull(login, "login");
            return this;
        }

        /** The user name. Required unless {@link Login#NONE}. */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /**
         * The password. Copied: the caller may (and should) zero its array afterwards; the copy is zeroed by
         * {@link IdpClient#close()}. Required unless {@link Login#NONE}.
         */
        public Builder password(char[] password) {
            if (this.password != null) {
                Arrays.fill(this.password, '\0');
            }
            this.password = password == null ? null : password.clone();
            return this;
        }

        /** The login form's user name field. Default: the form's first text or email input, else {@code username}. */
        public Builder usernameField(String usernameField) {
            this.usernameField = usernameField;
            return this;
        }

        /** The login form's password field. Default: the form's password input, else {@code password}. */
        public Builder passwordField(String passwordField) {
            this.passwordField = passwordField;
            return this;
        }

        /** An extra header sent with every request to the IdP (e.g. a User-Agent the IdP insists on). Default none. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Cookie")) {
                throw new IllegalArgumentException("header " + name + " is set by the client itself");
            }
            if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " cannot be set: the HTTP client sets it");
            }
            if (!TOKEN.matcher(name).matches() || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw new IllegalArgumentException("header " + name + " cannot be set: not a valid name or value");
            }
            headers.put(name, value);
            return this;
        }

        /** Extra headers, as {@link #header(String, String)}. Default none. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /**
         * Whether the IdP's TLS certificate and host name are verified. Turning it off is for test IdPs only
         * and logs a warning. Default {@code true}.
         */
        public Builder verifyTls(boolean verifyTls) {
            this.verifyTls = verifyTls;
            return this;
        }

        /** The TLS context whose trust store verifies the IdP (e.g. a company CA). Default the JDK's. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** How long to wait for a connection. Default 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** How long to wait for each response. Default 30 seconds. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** Builds the client; the builder's copy of the password is zeroed, so set it again to build another. */
        public IdpClient build() {
            if (url == null) {
                throw new IllegalStateException("url is required");
            }
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalStateException("the IdP URL must be http(s)://host/...: " + IdpHttp.origin(url));
            }
            if (login != Login.NONE && (username == null || username.isBlank() || password == null)) {
                throw new IllegalStateException(login + " login needs a user name and a password");
            }
            IdpClient client = new IdpClient(this);
            // The client holds its own copy now; the builder's is not left lying around.
            if (password != null) {
                Arrays.fill(password, '\0');
                password = null;
            }
            return client;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
