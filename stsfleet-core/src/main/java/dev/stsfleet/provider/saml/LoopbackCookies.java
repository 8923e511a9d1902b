package dev.stsfleet.provider.saml;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.cookie.Cookie;
import org.apache.http.cookie.CookieOrigin;
import org.apache.http.cookie.CookieSpec;
import org.apache.http.cookie.CookieSpecProvider;
import org.apache.http.cookie.MalformedCookieException;
import org.apache.http.impl.cookie.RFC6265CookieSpecProvider;
import org.apache.http.protocol.HttpContext;

/**
 * RFC 6265 cookies, with the browsers' rule that loopback is a secure context: Keycloak marks every login
 * cookie Secure even over http, so a test IdP on 127.0.0.1 needs it. Only loopback hosts get the rule.
 */
final class LoopbackCookies implements CookieSpecProvider {
    private final CookieSpecProvider standard = new RFC6265CookieSpecProvider();

    @Override
    public CookieSpec create(HttpContext context) {
        CookieSpec spec = standard.create(context);
        return new CookieSpec() {
            @Override
            @SuppressWarnings("deprecation")
            public int getVersion() {
                return spec.getVersion();
            }

            @Override
            public List<Cookie> parse(Header header, CookieOrigin origin) throws MalformedCookieException {
                return spec.parse(header, origin);
            }

            @Override
            public void validate(Cookie cookie, CookieOrigin origin) throws MalformedCookieException {
                spec.validate(cookie, origin);
            }

            @Override
            public boolean match(Cookie cookie, CookieOrigin origin) {
                boolean loopback = !origin.isSecure() && isLoopback(URI.create("http://" + origin.getHost() + "/"));
                return spec.match(cookie, loopback
                        ? new CookieOrigin(origin.getHost(), origin.getPort(), origin.getPath(), true) : origin);
            }

            @Override
            public List<Header> formatCookies(List<Cookie> cookies) {
                return spec.formatCookies(cookies);
            }

            @Override
            @SuppressWarnings("deprecation")
            public Header getVersionHeader() {
                return spec.getVersionHeader();
            }
        };
    }

    /** Whether the URI names a loopback host ({@code localhost} or a literal loopback address; no name is resolved). */
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
}
