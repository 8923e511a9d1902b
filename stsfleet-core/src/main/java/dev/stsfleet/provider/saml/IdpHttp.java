package dev.stsfleet.provider.saml;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.ProtocolException;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.Credentials;
import org.apache.http.client.ClientProtocolException;
import org.apache.http.client.CredentialsProvider;
import org.apache.http.client.RedirectException;
import org.apache.http.client.config.AuthSchemes;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.client.utils.URIUtils;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.cookie.CookieSpecProvider;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.auth.BasicScheme;
import org.apache.http.impl.auth.BasicSchemeFactory;
import org.apache.http.impl.auth.DigestSchemeFactory;
import org.apache.http.impl.auth.NTLMSchemeFactory;
import org.apache.http.impl.client.BasicAuthCache;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.client.LaxRedirectStrategy;
import org.apache.http.message.BasicHeader;
import org.apache.http.protocol.HttpContext;
import org.apache.http.ssl.SSLContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of an IdP login, on Apache HttpClient 4.5: cookies, redirects (at most {@value #MAX_REDIRECTS},
 * POST turned into GET after 301/302/303, never from HTTPS down to HTTP), the Basic, Digest and NTLM schemes,
 * pages read up to {@value #MAX_PAGE_BYTES} bytes, TLS verified unless turned off. It knows nothing of login forms
 * or SAML: the login strategies ({@link FormLogin}, {@link AdfsLogin}, {@link ChallengeLogin}) drive it.
 *
 * <p>Each {@link Session} is one login: its own cookie jar and authentication state, and credentials that are
 * handed out only for the IdP's own origin (scheme, host, port). Thread-safe: sessions are independent and
 * share one connection pool. Closing releases the pool.
 */
final class IdpHttp implements AutoCloseable {
    static final int MAX_REDIRECTS = 10;
    static final int MAX_PAGE_BYTES = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(IdpHttp.class);
    private static final String COOKIES = "stsfleet";
    // No charset parameter, as browsers send it: some IdPs (saml-idp's body-parser) refuse ISO-8859-1 with 415.
    private static final ContentType FORM = ContentType.create("application/x-www-form-urlencoded");

    /** One answer, after redirects: its status, final URL, text and the schemes of its challenges. */
    record Page(int status, URI uri, String body, List<String> challenges) {
        /** {@code scheme://host:port/path} of the final URL: never its query, which may carry tokens. */
        String where() {
            return origin(uri) + uri.getRawPath();
        }

        @Override
        public String toString() {
            return "Page[status=" + status + ", uri=" + origin(uri) + "]";
        }
    }

    /** One login's cookies and authentication state. Not thread-safe: one login runs on one thread. */
    static final class Session {
        private final HttpClientContext context = HttpClientContext.create();
    }

    private final URI idp;
    private final CloseableHttpClient http;
    private final RequestConfig config;

    IdpHttp(URI idp, Map<String, String> headers, boolean verifyTls, SSLContext sslContext, Duration connectTimeout,
            Duration requestTimeout) {
        this.idp = idp;
        this.config = RequestConfig.custom().setConnectTimeout(millis(connectTimeout))
                .setConnectionRequestTimeout(millis(connectTimeout)).setSocketTimeout(millis(requestTimeout))
                .setMaxRedirects(MAX_REDIRECTS).setCircularRedirectsAllowed(true).setCookieSpec(COOKIES).build();
        SSLContext tls;
        HostnameVerifier hosts;
        if (!verifyTls) {
            LOG.warn("TLS certificate verification for the IdP at {} is DISABLED: anyone on the network path can "
                    + "read the password and the SAML assertion. Use this only for a test IdP.", origin(idp));
            tls = trustAll();
            hosts = NoopHostnameVerifier.INSTANCE;
        } else {
            tls = sslContext != null ? sslContext : SSLContexts.createSystemDefault();
            hosts = new DefaultHostnameVerifier();
        }
        this.http = HttpClients.custom()
                .setSSLSocketFactory(new SSLConnectionSocketFactory(tls, hosts))
                .setDefaultRequestConfig(config)
                .setDefaultHeaders(headers.entrySet().stream()
                        .<Header>map(e -> new BasicHeader(e.getKey(), e.getValue())).toList())
                .setRedirectStrategy(new NoDowngrade())
                .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecProvider>create()
                        .register(COOKIES, new LoopbackCookies()).build())
                // UTF-8 for Basic and Digest: the library's defaults (ASCII, ISO-8859-1) garble non-ASCII passwords.
                .setDefaultAuthSchemeRegistry(RegistryBuilder.<org.apache.http.auth.AuthSchemeProvider>create()
                        .register(AuthSchemes.BASIC, new BasicSchemeFactory(StandardCharsets.UTF_8))
                        .register(AuthSchemes.DIGEST, new DigestSchemeFactory(StandardCharsets.UTF_8))
                        .register(AuthSchemes.NTLM, new NTLMSchemeFactory()).build())
                .setMaxConnTotal(8).setMaxConnPerRoute(8)
                // A login POST carries the password: never repeat it behind the caller's back.
                .disableAutomaticRetries()
                .addInterceptorLast((HttpResponse response, HttpContext context) -> {
                    HttpClientContext c = HttpClientContext.adapt(context);
                    String target = c.getRequest().getRequestLine().getUri();
                    int query = target.indexOf('?');
                    // The path only: a query may carry tokens.
                    LOG.debug("{} {}{} -> HTTP {}", c.getRequest().getRequestLine().getMethod(), c.getTargetHost(),
                            query < 0 ? target : target.substring(0, query), response.getStatusLine().getStatusCode());
                })
                .build();
    }

    /** A session that sends no credentials: for form logins and IdPs that need none. */
    Session session() {
        return new Session();
    }

    /**
     * A session that answers the IdP's challenges with one of {@code schemes} (in order of preference, e.g.
     * {@code NTLM}), asking {@code credentials} for the chosen scheme's credentials; only for the IdP's origin.
     * With {@code preemptiveBasic}, the first request already carries the Basic header.
     */
    Session session(List<String> schemes, Function<String, Credentials> credentials, boolean preemptiveBasic) {
        Session session = new Session();
        HttpHost target = new HttpHost(idp.getHost(), port(idp), idp.getScheme());
        session.context.setCredentialsProvider(new OriginCredentials(target, credentials));
        session.context.setRequestConfig(RequestConfig.copy(config).setTargetPreferredAuthSchemes(schemes).build());
        if (preemptiveBasic) {
            BasicAuthCache cache = new BasicAuthCache();
            cache.put(target, new BasicScheme(StandardCharsets.UTF_8));
            session.context.setAuthCache(cache);
        }
        return session;
    }

    Page get(Session session, URI uri) {
        return execute(session, new HttpGet(uri));
    }

    /** POSTs an {@code application/x-www-form-urlencoded} body; the caller zeroes it afterwards. */
    Page post(Session session, URI uri, byte[] form) {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(form, FORM));
        return execute(session, post);
    }

    private Page execute(Session session, HttpUriRequest request) {
        HttpClientContext context = session.context;
        try (CloseableHttpResponse response = http.execute(request, context)) {
            URI last = URIUtils.resolve(request.getURI(), context.getTargetHost(), context.getRedirectLocations());
            List<String> challenges = Arrays.stream(response.getHeaders("WWW-Authenticate"))
                    .map(h -> h.getValue().trim().split("\\s+", 2)[0]).distinct().toList();
            // Returning without reading the rest closes the connection instead of draining it.
            return new Page(response.getStatusLine().getStatusCode(), last, read(response.getEntity(), last), challenges);
        } catch (ClientProtocolException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RedirectException) {
                throw new IdpInvalidResponseException("the IdP at " + origin(request.getURI()) + " redirected more than "
                        + MAX_REDIRECTS + " times");
            }
            // NoDowngrade's refusal, or a protocol error; HttpClient's messages hold no secret.
            throw new IdpInvalidResponseException("the IdP at " + origin(request.getURI()) + ": " + cause.getMessage());
        } catch (IOException e) {
            throw new IdpException("cannot reach the IdP at " + origin(request.getURI()) + ": " + describe(e), e);
        } catch (URISyntaxException e) {
            throw new IdpInvalidResponseException("the IdP at " + origin(request.getURI()) + " sent an unusable URL");
        }
    }

    private static String read(HttpEntity entity, URI uri) throws IOException {
        if (entity == null) {
            return "";
        }
        if (entity.getContentLength() > MAX_PAGE_BYTES) {
            throw tooLarge(uri);
        }
        try (InputStream in = entity.getContent()) {
            byte[] bytes = in.readNBytes(MAX_PAGE_BYTES + 1);
            if (bytes.length > MAX_PAGE_BYTES) {
                throw tooLarge(uri);
            }
            Charset charset = ContentType.getOrDefault(entity).getCharset();
            return new String(bytes, charset == null ? StandardCharsets.UTF_8 : charset);
        }
    }

    private static IdpInvalidResponseException tooLarge(URI uri) {
        return new IdpInvalidResponseException("the IdP's page at " + origin(uri) + " is larger than " + MAX_PAGE_BYTES
                + " bytes; refused");
    }

    /** Hands out credentials for the IdP's origin only: a redirect elsewhere that challenges gets none. */
    private record OriginCredentials(HttpHost idp, Function<String, Credentials> credentials)
            implements CredentialsProvider {
        @Override
        public Credentials getCredentials(AuthScope scope) {
            HttpHost asking = scope.getOrigin();
            boolean sameScheme = asking == null || idp.getSchemeName().equalsIgnoreCase(asking.getSchemeName());
            int port = scope.getPort() >= 0 ? scope.getPort() : idp.getPort();
            if (!sameScheme || !idp.getHostName().equalsIgnoreCase(scope.getHost()) || port != idp.getPort()) {
                LOG.debug("no credentials for {}: it is not the IdP's origin", scope.getHost());
                return null;
            }
            return credentials.apply(scope.getScheme() == null ? "" : scope.getScheme().toUpperCase(Locale.ROOT));
        }

        @Override
        public void setCredentials(AuthScope scope, Credentials c) {
            throw new UnsupportedOperationException("the IdP's credentials are fixed");
        }

        @Override
        public void clear() {
        }
    }

    /** Follows redirects after any method (Keycloak answers its login POST with 302), but never HTTPS -> HTTP. */
    private static final class NoDowngrade extends LaxRedirectStrategy {
        @Override
        public URI getLocationURI(HttpRequest request, HttpResponse response, HttpContext context)
                throws ProtocolException {
            URI next = super.getLocationURI(request, response, context);
            HttpHost from = HttpClientContext.adapt(context).getTargetHost();
            if (from != null && "https".equalsIgnoreCase(from.getSchemeName()) && "http".equalsIgnoreCase(next.getScheme())) {
                throw new ProtocolException("a redirect from HTTPS to plain HTTP (" + origin(next) + ") was refused");
            }
            return next;
        }
    }

    static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /** {@code scheme://host:port}: never the path's query, which may carry tokens. */
    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static SSLContext trustAll() {
        try {
            // A strategy that trusts every chain; the host name check is off too (NoopHostnameVerifier).
            return SSLContexts.custom().loadTrustMaterial(null, (X509Certificate[] chain, String authType) -> true)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            LOG.debug("closing the IdP's HTTP client failed", e);
        }
    }
}
