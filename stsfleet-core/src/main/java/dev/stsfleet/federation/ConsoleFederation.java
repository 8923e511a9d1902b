package dev.stsfleet.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AWS console sign-in from role credentials through the federation endpoint: {@code getSigninToken}
 * with the credentials, then the {@code Action=login} URL that carries the token. The sign-in host
 * follows the region: {@code signin.aws.amazon.com} for us-east-1, else
 * {@code <region>.signin.aws.amazon.com}.
 *
 * <p>The credentials are sent in a form POST body (never in a URL, which proxies and servers log). The
 * sign-in token, and so the URL, grants a console session while it is valid (15 minutes): both are
 * secrets, never logged, and {@link SigninUrl#toString()} hides them.
 *
 * <p>Thread-safe. Owns one JDK {@link HttpClient}; {@link #close()} releases it (on Java 21+; Java 17's
 * client has no close and is collected).
 */
public final class ConsoleFederation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFederation.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    /** The console session AWS grants at least and at most. */
    public static final Duration MIN_SESSION = Duration.ofMinutes(15);
    public static final Duration MAX_SESSION = Duration.ofHours(12);
    /** AWS caps the console session of role-chained credentials at one hour. */
    public static final Duration MAX_CHAINED_SESSION = Duration.ofHours(1);
    /** The console page a sign-in lands on by default. */
    public static final String DEFAULT_DESTINATION = "https://console.aws.amazon.com/";
    public static final String DEFAULT_ISSUER = "stsfleet";

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;

    private ConsoleFederation(Builder b) {
        this.endpoint = b.endpoint != null ? b.endpoint : endpointFor(b.region);
        this.timeout = b.timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The federation endpoint of the sign-in host for {@code region}. */
    public static URI endpointFor(String region) {
        String r = region == null || region.isBlank() ? "us-east-1" : region.trim().toLowerCase(Locale.ROOT);
        if (!REGION.matcher(r).matches()) {
            throw new InvalidInputException("'" + region + "' is not an AWS region name (like us-east-1)");
        }
        String host = r.equals("us-east-1") ? "signin.aws.amazon.com" : r + ".signin.aws.amazon.com";
        return URI.create("https://" + host + "/federation");
    }

    /** The federation endpoint this client calls. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Checks, before any call, a console session duration for credentials of the given kind.
     *
     * @param duration    the console session, or {@code null} for AWS's default
     * @param roleChained whether the credentials come from role chaining (a role assumed with temporary
     *                    credentials: an MFA session token or another role's credentials)
     * @throws InvalidInputException saying why the duration cannot work
     */
    public static void checkDuration(Duration duration, boolean roleChained) {
        if (duration == null) {
            return;
        }
        if (duration.compareTo(MIN_SESSION) < 0 || duration.compareTo(MAX_SESSION) > 0) {
            throw new InvalidInputException("a console session lasts 15m to 12h, not "
                    + dev.stsfleet.format.Durations.human(duration));
        }
        if (roleChained && duration.compareTo(MAX_CHAINED_SESSION) > 0) {
            throw new InvalidInputException("a console session of " + duration.toMinutes()
                    + " minutes is refused: these credentials come from role chaining (the role was assumed with "
                    + "temporary credentials, such as an MFA session token or another role), and AWS limits the "
                    + "console session of role-chained credentials to one hour; ask for 1h or less");
        }
    }

    /**
     * Gets a sign-in token for {@code credentials} and builds the console login URL.
     *
     * @param duration    the console session (15 minutes to 12 hours, at most one hour when
     *                    {@code roleChained}), or {@code null} for AWS's default
     * @param issuer      the {@code Issuer} shown by the console (where to go on sign-out), or {@code null}
     *                    for {@value #DEFAULT_ISSUER}
     * @param destination the console page to open, or {@code null} for {@value #DEFAULT_DESTINATION}
     * @throws InvalidInputException for a bad duration or destination, before any call
     * @throws StsCallException      when the federation endpoint refuses (expired or invalid credentials)
     * @throws StsFleetException     when it cannot be reached or answers something unexpected
     */
    public SigninUrl signIn(TemporaryCredentials credentials, Duration duration, boolean roleChained, String issuer,
                            String destination) {
        Objects.requireNonNull(credentials, "credentials");
        checkDuration(duration, roleChained);
        String dest = destination == null ? DEFAULT_DESTINATION : checkDestination(destination);
        String iss = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
        String token = signinToken(credentials, duration);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("Action", "login");
        query.put("Issuer", iss);
        query.put("Destination", dest);
        query.put("SigninToken", token);
        return new SigninUrl(URI.create(endpoint + "?" + form(query)), endpoint);
    }

    private String signinToken(TemporaryCredentials credentials, Duration duration) {
        Map<String, String> session = new LinkedHashMap<>();
        session.put("sessionId", credentials.accessKeyId());
        session.put("sessionKey", credentials.secretAccessKey());
        session.put("sessionToken", credentials.sessionToken());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Action", "getSigninToken");
        if (duration != null) {
            params.put("SessionDuration", Long.toString(duration.toSeconds()));
        }
        try {
            params.put("Session", JSON.writeValueAsString(session));
        } catch (IOException e) {
            throw new StsFleetException("cannot encode the session for the federation endpoint");
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(params)))
                .build();
        LOG.debug("getSigninToken at {} for {}{}", endpoint, credentials,
                duration == null ? "" : " with a console session of " + dev.stsfleet.format.Durations.human(duration));
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StsFleetException("cannot reach the federation endpoint " + endpoint + ": "
                    + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted while calling the federation endpoint");
        }
        String body = response.body() == null ? "" : response.body();
        if (response.statusCode() != 200) {
            throw refusal(response.statusCode(), body);
        }
        String token;
        try {
            JsonNode node = JSON.readTree(body);
            token = node == null ? null : node.path("SigninToken").asText(null);
        } catch (IOException e) {
            token = null;
        }
        if (token == null || token.isBlank()) {
            // Never the body: it may hold a token.
            throw new StsFleetException("the federation endpoint " + endpoint + " answered without a SigninToken");
        }
        LOG.debug("getSigninToken: got a sign-in token");
        return token;
    }

    /**
     * The federation endpoint's refusal as a typed exception. AWS answers a bare 400 page; the sandbox
     * {@code CODE: message}. Only a short first line that looks like a code is passed on.
     */
    private StsCallException refusal(int status, String body) {
        String first = body.strip().lines().findFirst().orElse("");
        Map.Entry<String, String> parsed = null;
        int colon = first.indexOf(": ");
        if (colon > 0 && first.length() < 300 && first.substring(0, colon).matches("[A-Za-z]{2,64}")) {
            parsed = Map.entry(first.substring(0, colon), first.substring(colon + 2));
        }
        String code = parsed != null ? parsed.getKey() : status == 400 ? "InvalidCredentials" : "HTTP" + status;
        String why = parsed != null ? parsed.getValue()
                : status == 400 ? "the credentials are invalid or expired" : "HTTP status " + status;
        return new StsCallException(code, "the federation endpoint refused to sign in: " + why
                + (code.equals("ExpiredToken") || code.equals("InvalidCredentials") || code.equals("InvalidSession")
                ? " (generate fresh credentials and try again)" : ""));
    }

    private static String checkDestination(String destination) {
        URI uri;
        try {
            uri = new URI(destination.trim());
        } catch (java.net.URISyntaxException e) {
            throw new InvalidInputException("--destination '" + destination + "' is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new InvalidInputException("--destination '" + destination + "' is not an http(s) URL");
        }
        return uri.toString();
    }

    static String form(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    @Override
    public void close() {
        // Java 17's HttpClient has no close(); Java 21's does. Call it where it exists.
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the HTTP client: {}", e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public String toString() {
        return "ConsoleFederation[" + endpoint + "]";
    }

    /**
     * A console login URL. A secret while its sign-in token is valid: {@link #toString()} shows only the
     * endpoint.
     *
     * @param uri      the full URL, with the {@code SigninToken}
     * @param endpoint the federation endpoint it points at
     */
    public record SigninUrl(URI uri, URI endpoint) {
        public SigninUrl {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(endpoint, "endpoint");
        }

        @Override
        public String toString() {
            return "SigninUrl[" + endpoint + "?Action=login&SigninToken=****]";
        }
    }

    /** Configures a {@link ConsoleFederation}. Not thread-safe. */
    public static final class Builder {
        private URI endpoint;
        private String region = "us-east-1";
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The federation endpoint, e.g. a sandbox's {@code http://127.0.0.1:PORT/federation}. Default: from the region. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The region whose sign-in host is used when no endpoint is given. Default: us-east-1. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Connect and request timeout. Default: 30 seconds. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /** @throws InvalidInputException for a region that is not a region name (when no endpoint is given) */
        public ConsoleFederation build() {
            return new ConsoleFederation(this);
        }
    }
}
