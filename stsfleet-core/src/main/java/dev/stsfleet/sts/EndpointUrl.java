package dev.stsfleet.sts;

import dev.stsfleet.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one check of an STS endpoint URL, wherever it comes from ({@code --endpoint-url},
 * {@code AWS_ENDPOINT_URL_STS}, {@code AWS_ENDPOINT_URL}, a builder): an absolute {@code http} or
 * {@code https} URL with a host, and no user name or password in it. A URL with {@code @} is refused
 * without being repeated, since what precedes the {@code @} may be a password; the SDK would send it
 * nowhere, but it would show up in logs and messages.
 */
public final class EndpointUrl {
    private EndpointUrl() {
    }

    /**
     * @param source what the value came from, for the message ({@code --endpoint-url}, a variable name)
     * @throws InvalidInputException naming {@code source} if the value is not a usable endpoint
     */
    public static URI parse(String source, String value) {
        String v = value == null ? "" : value.trim();
        if (v.indexOf('@') >= 0) {
            throw new InvalidInputException(source + " contains '@': a user name or password in an endpoint URL is "
                    + "not supported (the URL is not shown, as it may hold a password)");
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new InvalidInputException(source + " '" + v + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new InvalidInputException(source + " '" + v + "' is not an http(s) URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidInputException(source + " '" + v + "' has no host");
        }
        return uri;
    }
}
