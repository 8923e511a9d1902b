package dev.stsfleet.provider.saml;

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to a SAML identity provider and returns the SAML response it hands out, the way a browser would
 * for an IdP-initiated sign-on URL. Three ways to log in ({@link Login}): a GET with a preemptive HTTP
 * Basic header, the IdP's login form filled in and POSTed, or a plain GET for an IdP that needs no password.
 *
 * <p>Each {@link #login()} is a fresh session: its own cookie jar, redirects followed (at most
 * {@value #MAX_REDIRECTS}, never from HTTPS down to HTTP, the Basic header only to the first URL's origin),
 * pages read up to {@value #MAX_PAGE_BYTES} bytes. TLS certificates are verified unless
 * {@link Builder#verifyTls(boolean) verifyTls(false)}, which logs a warning.
 *
 * <p>Thread-safe: concurrent logins are independent. The password is kept as a {@code char[]} copy and
 * zeroed by {@link #close()}; the request bodies built from it are zeroed after each request. It never
 * appears in a message, a log line or {@link #toString()}.
 */
public final class IdpClient implements AutoCloseable {
    /** How the client proves who the user is. */
    public enum Login {
        /** One GET of the URL with a preemptive {@code Authorization: Basic} header (no 401 challenge awaited). */
        BASIC,
        /** GET the URL, find its login form, POST the user name and password to the form's action. */
        FORM,
        /** A plain GET, for an IdP that authenticates otherwise (network, client certificate). */
        NONE
    }

    static final int MAX_REDIRECTS = 10;
    static final int MAX_PAGE_BYTES = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(IdpClient.class);
    private static final Pattern CHARSET = Pattern.compile("charset\\s*=\\s*\"?([\\w.:-]+)", Pattern.CASE_INSENSITIVE);

    private final URI url;
    private final Login login;
    private final String username;
    private final char[] password;
    private final String usernameField;
    private final String passwordField;
    private final Map<String, String> headers;
    private final boolean verifyTls;
    private final Duration requestTimeout;
    private final HttpClient http;
    private volatile boolean closed;

    private IdpClient(Builder b) {
        this.url = b.url;
        this.login = b.login;
        this.username = b.username;
        this.password = b.password == null ? null : b.password.clone();
        this.usernameField = b.usernameField;
        this.passwordField = b.passwordField;
        this.headers = Map.copyOf(b.headers);
        this.verifyTls = b.verifyTls;
        this.requestTimeout = b.requestTimeout;
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                // Redirects are followed by hand: to keep cookies per login, drop the Basic header on a
                // change of origin, and refuse an HTTPS -> HTTP downgrade.
                .followRedirects(HttpClient.Redirect.NEVER);
        if (!b.verifyTls) {
            LOG.warn("TLS certificate verification for the IdP at {} is DISABLED: anyone on the network path can "
                    + "read the password and the SAML assertion. Use this only for a test IdP.", origin(url));
            http.sslContext(trustAll());
        } else if (b.sslContext != null) {
            http.sslContext(b.sslContext);
        }
        if ("http".equals(url.getScheme()) && login != Login.NONE && !isLoopback(url)) {
            LOG.warn("the IdP at {} is reached over plain HTTP: the password travels unencrypted", origin(url));
        }
        this.http = http.build();
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
        LOG.info("logging in to the IdP at {} ({} login)", origin(url) + url.getRawPath(),
                login.name().toLowerCase(Locale.ROOT));
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ORIGINAL_SERVER);
        Page page;
        switch (login) {
            case BASIC -> page = exchange(cookies, "GET", url, null, true);
            case NONE -> page = exchange(cookies, "GET", url, null, false);
            case FORM -> {
                Page form = exchange(cookies, "GET", url, null, false);
                checkStatus(form);
                if (hasSamlResponse(form.body())) {
                    // An IdP that recognised the caller without a password (e.g. by network): use its answer.
                    page = form;
                } else {
                    page = postLoginForm(cookies, form);
                }
            }
            default -> throw new IllegalStateException("unknown login " + login);
        }
        checkStatus(page);
        if (hasSamlResponse(page.body())) {
            String response = SamlResponseExtractor.extract(page.body());
            LOG.debug("the IdP returned a SAML response ({} base64 characters)", response.length());
            return response;
        }
        if (login != Login.NONE && Html.hasPasswordInput(page.body())) {
            throw new IdpAccessDeniedException("the IdP at " + origin(url)
                    + " showed its login form again: user name or password not accepted");
        }
        throw new IdpInvalidResponseException("the IdP's page at " + origin(page.uri()) + page.uri().getRawPath()
                + " has no SAMLResponse form input");
    }

    private Page postLoginForm(CookieManager cookies, Page page) {
        List<Html.Form> forms = Html.forms(page.body());
        Html.Form form = forms.stream().filter(f -> f.passwordInput().isPresent()).findFirst()
                .or(() -> forms.stream().filter(f -> f.tag().is("method", "post")).findFirst())
                .orElseThrow(() -> new IdpInvalidResponseException("the IdP's page at " + origin(page.uri())
                        + page.uri().getRawPath() + " has no login form"));
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
        byte[] body = formBody(fields, usernameName, passwordName);
        try {
            LOG.debug("posting the login form to {} (fields: {}, {}, {} hidden)", origin(action) + action.getRawPath(),
                    usernameName, passwordName, fields.size());
            return exchange(cookies, "POST", action, body, false);
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

    // The form body as bytes, so the password never becomes a String; the caller zeroes it after use.
    private byte[] formBody(List<String[]> fields, String usernameName, String passwordName) {
        StringBuilder prefix = new StringBuilder();
        for (String[] field : fields) {
            prefix.append(encode(field[0])).append('=').append(encode(field[1])).append('&');
        }
        prefix.append(encode(usernameName)).append('=').append(encode(username)).append('&')
                .append(encode(passwordName)).append('=');
        byte[] head = prefix.toString().getBytes(StandardCharsets.UTF_8);
        byte[] secret = percentEncode(password);
        byte[] body = Arrays.copyOf(head, head.length + secret.length);
        System.arraycopy(secret, 0, body, head.length, secret.length);
        Arrays.fill(secret, (byte) 0);
        return body;
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

    private record Page(int status, URI uri, String body) {
        @Override
        public String toString() {
            return "Page[status=" + status + ", uri=" + uri.getHost() + "]";
        }
    }

    private Page exchange(CookieManager cookies, String method, URI start, byte[] body, boolean basic) {
        URI uri = start;
        String currentMethod = method;
        byte[] currentBody = body;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout);
            headers.forEach(request::header);
            if (basic && sameOrigin(uri, url)) {
                request.header("Authorization", basicHeader());
            }
            try {
                cookies.get(cookieUri(uri), Map.of()).forEach((name, values) -> values.forEach(v -> request.header(name, v)));
            } catch (IOException e) {
                throw new IdpException("cannot read the cookies for " + origin(uri), e);
            }
            if (currentBody != null) {
                request.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(currentBody));
            } else {
                request.GET();
            }
            HttpResponse<InputStream> response = send(request.build());
            int status = response.statusCode();
            try {
                cookies.put(cookieUri(uri), response.headers().map());
            } catch (IOException e) {
                throw new IdpException("cannot store the cookies of " + origin(uri), e);
            }
            String text = readBounded(response);
            LOG.debug("{} {}{} -> HTTP {}", currentMethod, origin(uri), uri.getRawPath(), status);
            Optional<String> location = response.headers().firstValue("Location");
            if (status >= 300 && status < 400 && status != 304 && location.isPresent()) {
                URI next = resolve(uri, location.get());
                if ("https".equals(uri.getScheme()) && "http".equals(next.getScheme())) {
                    throw new IdpInvalidResponseException("the IdP at " + origin(uri)
                            + " redirected from HTTPS to plain HTTP (" + origin(next) + "); refused");
                }
                if (status == 303 || ((status == 301 || status == 302) && !"GET".equals(currentMethod))) {
                    currentMethod = "GET";
                    currentBody = null;
                }
                uri = next;
                continue;
            }
            return new Page(status, uri, text);
        }
        throw new IdpInvalidResponseException("the IdP at " + origin(start) + " redirected more than "
                + MAX_REDIRECTS + " times");
    }

    private HttpResponse<InputStream> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IdpException("cannot reach the IdP at " + origin(request.uri()) + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdpException("interrupted while waiting for the IdP at " + origin(request.uri()), e);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private static String readBounded(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_PAGE_BYTES + 1);
            if (bytes.length > MAX_PAGE_BYTES) {
                throw new IdpInvalidResponseException("the IdP's page at " + origin(response.uri())
                        + " is larger than " + MAX_PAGE_BYTES + " bytes; refused");
            }
            return new String(bytes, charset(response));
        } catch (IOException e) {
            throw new IdpException("cannot read the IdP's answer from " + origin(response.uri()) + ": "
                    + describe(e), e);
        }
    }

    private static Charset charset(HttpResponse<?> response) {
        Matcher m = CHARSET.matcher(response.headers().firstValue("Content-Type").orElse(""));
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalArgumentException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    private void checkStatus(Page page) {
        if (page.status() == 401 || page.status() == 403) {
            throw new IdpAccessDeniedException("the IdP at " + origin(page.uri()) + " refused the login (HTTP "
                    + page.status() + ")");
        }
        if (page.status() < 200 || page.status() >= 300) {
            throw new IdpInvalidResponseException("the IdP at " + origin(page.uri()) + page.uri().getRawPath()
                    + " answered HTTP " + page.status());
        }
    }

    private static boolean hasSamlResponse(String html) {
        return Html.tags(html, "input").stream().anyMatch(t -> t.is("name", "SAMLResponse"));
    }

    private String basicHeader() {
        ByteBuffer user = StandardCharsets.UTF_8.encode(username + ":");
        ByteBuffer pass = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] raw = new byte[user.remaining() + pass.remaining()];
        user.get(raw, 0, user.remaining());
        pass.get(raw, raw.length - pass.remaining(), pass.remaining());
        if (pass.hasArray()) {
            Arrays.fill(pass.array(), (byte) 0);
        }
        // A header value must be a String: the JDK gives no way around it, so this one copy is unavoidable.
        String header = "Basic " + Base64.getEncoder().encodeToString(raw);
        Arrays.fill(raw, (byte) 0);
        return header;
    }

    private static URI resolve(URI base, String reference) {
        if (reference == null) {
            return base;
        }
        try {
            // Some IdPs put spaces or unencoded characters into actions; encode only what URI rejects.
            return base.resolve(new URI(reference.trim().replace(" ", "%20")));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IdpInvalidResponseException("the IdP sent an unusable URL (from " + origin(base) + ")");
        }
    }

    // The JDK's CookieManager never sends a Secure cookie over http; browsers treat loopback as a secure
    // context and do. Keycloak sets every login cookie Secure even over http, so a test IdP on 127.0.0.1
    // needs the browser rule. Only loopback hosts get it: nothing leaves the machine there.
    private static URI cookieUri(URI uri) {
        if (!"http".equals(uri.getScheme()) || !isLoopback(uri)) {
            return uri;
        }
        try {
            return new URI("https", uri.getRawAuthority(), uri.getRawPath(), null, null);
        } catch (URISyntaxException e) {
            return uri;
        }
    }

    static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses: a name is never resolved here.
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /** {@code scheme://host:port}: never the path's query, which may carry tokens. */
    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private static SSLContext trustAll() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            // An X509ExtendedTrustManager (not a plain X509TrustManager) so the JDK does not add its own
            // host name check on top: with verification disabled, nothing is checked.
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /** Zeroes the password and releases the HTTP client (on Java 21+, where it can be closed). */
    @Override
    public void close() {
        closed = true;
        if (password != null) {
            Arrays.fill(password, '\0');
        }
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the IdP's HTTP client failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "IdpClient[url=" + origin(url) + url.getRawPath() + ", login=" + login + ", user=" + username
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
            try {
                // The JDK refuses some headers (Host, Content-Length, ...); refuse them here, when configured.
                HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("header " + name + " cannot be set: " + e.getMessage());
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
                throw new IllegalStateException("the IdP URL must be http(s)://host/...: " + origin(url));
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
