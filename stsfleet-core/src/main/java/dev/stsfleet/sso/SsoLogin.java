package dev.stsfleet.sso;

import com.sun.net.httpserver.HttpServer;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.ThrottleControl;
import dev.stsfleet.sts.CallLimits;
import dev.stsfleet.sts.SdkClients;
import dev.stsfleet.sts.StsGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.SsoOidcClientBuilder;
import software.amazon.awssdk.services.ssooidc.model.AuthorizationPendingException;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;
import software.amazon.awssdk.services.ssooidc.model.ExpiredTokenException;
import software.amazon.awssdk.services.ssooidc.model.RegisterClientResponse;
import software.amazon.awssdk.services.ssooidc.model.SlowDownException;
import software.amazon.awssdk.services.ssooidc.model.StartDeviceAuthorizationResponse;

/**
 * Signs in to IAM Identity Center through its OIDC API (the AWS SDK's {@code ssooidc} client) and refreshes
 * tokens: the authorization-code flow with PKCE and a loopback redirect ({@code http://127.0.0.1:PORT/oauth/callback},
 * what the AWS CLI v2 does by default), and the device-code flow (the verification URL and user code shown once,
 * polled at the given interval; {@code authorization_pending} waits, {@code slow_down} raises the interval by 5 s,
 * an expired device code ends the login). Tokens and secrets never reach a log or a message.
 *
 * <p>Thread-safe; one OIDC client per instance, closed by {@link #close()}.
 */
public final class SsoLogin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SsoLogin.class);
    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    static final String CLIENT_NAME = "stsfleet";
    private static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    /** Waits between polls; tests pass one that moves a test clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Shows the user where to sign in. */
    public interface Prompt {
        /** The device-code flow: shown once. */
        void deviceCode(String verificationUri, String verificationUriComplete, String userCode);

        /**
         * The authorization-code flow: open {@code url} in a browser; false if no browser could be opened (the URL
         * is then shown, and the login still waits for the callback).
         */
        boolean openBrowser(URI url);
    }

    private final SsoOidcClient client;
    private final URI oidcBase;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration callbackTimeout;
    private final CallLimits limits;
    private final SecureRandom random = new SecureRandom();

    private SsoLogin(Builder b) {
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.callbackTimeout = b.callbackTimeout;
        this.limits = b.limits;
        SsoOidcClientBuilder cb = SsoOidcClient.builder()
                .region(Region.of(b.region))
                .credentialsProvider(AnonymousCredentialsProvider.create());
        SdkClients.configure(cb, b.limits, 2, StsGateway.retryStrategy(ThrottleControl.OFF, 3, Duration.ofSeconds(2)),
                null);
        if (b.endpoint != null) {
            cb.endpointOverride(b.endpoint);
        }
        this.client = cb.build();
        this.oidcBase = b.endpoint != null ? b.endpoint : URI.create("https://oidc." + b.region + ".amazonaws.com");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The device-code flow for {@code session}.
     *
     * @throws SsoLoginException when the device code expires or the sign-in is denied
     * @throws StsCallException  when OIDC refuses a call otherwise
     */
    public SsoToken deviceLogin(SsoSession session, Prompt prompt) {
        try {
            RegisterClientResponse reg = client.registerClient(r -> {
                r.clientName(CLIENT_NAME).clientType("public");
                if (!session.scopes().isEmpty()) {
                    r.scopes(session.scopes());
                }
            });
            StartDeviceAuthorizationResponse d = client.startDeviceAuthorization(r -> r.clientId(reg.clientId())
                    .clientSecret(reg.clientSecret()).startUrl(session.startUrl()));
            prompt.deviceCode(d.verificationUri(), d.verificationUriComplete(), d.userCode());
            Instant deadline = clock.instant().plusSeconds(d.expiresIn() == null ? 600 : d.expiresIn());
            Duration interval = Duration.ofSeconds(d.interval() == null || d.interval() < 1 ? 5 : d.interval());
            while (true) {
                sleep(interval);
                if (!clock.instant().isBefore(deadline)) {
                    throw expired();
                }
                try {
                    CreateTokenResponse t = client.createToken(r -> r.clientId(reg.clientId())
                            .clientSecret(reg.clientSecret()).grantType(DEVICE_GRANT).deviceCode(d.deviceCode()));
                    LOG.debug("{}: device code approved", session.describe());
                    return token(session, reg, t);
                } catch (AuthorizationPendingException e) {
                    LOG.debug("{}: authorization pending", session.describe());
                } catch (SlowDownException e) {
                    interval = interval.plus(SLOW_DOWN_STEP);
                    LOG.debug("{}: slow_down: polling every {} s now", session.describe(), interval.toSeconds());
                } catch (ExpiredTokenException e) {
                    throw expired();
                }
            }
        } catch (AwsServiceException e) {
            throw failure(e, "the device-code sign-in");
        } catch (SdkException e) {
            throw unreachable(e, limits);
        }
    }

    /**
     * The authorization-code flow with PKCE: a loopback listener on 127.0.0.1 receives the redirect.
     *
     * @throws SsoLoginException when the browser sign-in fails, is denied or times out
     */
    public SsoToken authorizationCodeLogin(SsoSession session, Prompt prompt) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 4);
        } catch (IOException e) {
            throw new SsoLoginException("cannot listen on 127.0.0.1 for the sign-in redirect: " + e.getClass().getSimpleName());
        }
        String redirect = "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/callback";
        String state = randomToken(24);
        String verifier = randomToken(48);
        CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
        server.createContext("/oauth/callback", exchange -> {
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            boolean ours = state.equals(q.get("state"));
            byte[] page = (ours && q.containsKey("code")
                    ? "<html><body><p>Signed in. You can close this window and return to stsfleet.</p></body></html>"
                    : "<html><body><p>The sign-in did not complete; see stsfleet's message.</p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
            if (ours) {
                callback.complete(q);
            }
        });
        server.start();
        try {
            RegisterClientResponse reg = client.registerClient(r -> r.clientName(CLIENT_NAME).clientType("public")
                    .scopes(session.scopes().isEmpty() ? List.of(SsoConfig.DEFAULT_SCOPE) : session.scopes())
                    .grantTypes("authorization_code", "refresh_token").redirectUris(redirect)
                    .issuerUrl(session.startUrl()));
            String scopes = String.join(" ", session.scopes().isEmpty() ? List.of(SsoConfig.DEFAULT_SCOPE) : session.scopes());
            URI authorize = URI.create(oidcBase.toString().replaceAll("/+$", "") + "/authorize?response_type=code"
                    + "&client_id=" + enc(reg.clientId()) + "&redirect_uri=" + enc(redirect) + "&state=" + enc(state)
                    + "&code_challenge_method=S256&scopes=" + enc(scopes) + "&code_challenge=" + s256(verifier));
            prompt.openBrowser(authorize);
            Map<String, String> q;
            try {
                q = callback.get(callbackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new SsoLoginException("the browser sign-in was not completed within "
                        + callbackTimeout.toMinutes() + " minutes");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StsFleetException("interrupted while waiting for the browser sign-in");
            } catch (ExecutionException e) {
                throw new SsoLoginException("the browser sign-in failed");
            }
            if (q.get("error") != null) {
                throw new SsoLoginException("the browser sign-in was refused: " + safe(q.get("error")));
            }
            String code = q.get("code");
            if (code == null) {
                throw new SsoLoginException("the sign-in redirect carried no authorization code");
            }
            CreateTokenResponse t = client.createToken(r -> r.clientId(reg.clientId()).clientSecret(reg.clientSecret())
                    .grantType("authorization_code").code(code).redirectUri(redirect).codeVerifier(verifier));
            LOG.debug("{}: authorization code exchanged", session.describe());
            return token(session, reg, t);
        } catch (AwsServiceException e) {
            throw failure(e, "the browser sign-in");
        } catch (SdkException e) {
            throw unreachable(e, limits);
        } finally {
            server.stop(0);
        }
    }

    /**
     * A new access token from the refresh token of {@code token}.
     *
     * @throws StsCallException with OIDC's code ({@code InvalidGrantException} when the session ended)
     */
    public SsoToken refresh(SsoSession session, SsoToken token) {
        try {
            CreateTokenResponse t = client.createToken(r -> r.clientId(token.clientId()).clientSecret(token.clientSecret())
                    .grantType("refresh_token").refreshToken(token.refreshToken()));
            Instant now = clock.instant();
            LOG.debug("{}: access token refreshed", session.describe());
            return new SsoToken(session.startUrl(), session.region(), t.accessToken(), now.plusSeconds(t.expiresIn()),
                    t.refreshToken() != null ? t.refreshToken() : token.refreshToken(), token.clientId(),
                    token.clientSecret(), token.registrationExpiresAt());
        } catch (AwsServiceException e) {
            throw failure(e, "refreshing the Identity Center token");
        } catch (SdkException e) {
            throw unreachable(e, limits);
        }
    }

    private SsoToken token(SsoSession session, RegisterClientResponse reg, CreateTokenResponse t) {
        Instant now = clock.instant();
        boolean refreshable = t.refreshToken() != null;
        return new SsoToken(session.startUrl(), session.region(), t.accessToken(),
                now.plusSeconds(t.expiresIn() == null ? 3600 : t.expiresIn()),
                t.refreshToken(), refreshable ? reg.clientId() : null, refreshable ? reg.clientSecret() : null,
                refreshable && reg.clientSecretExpiresAt() != null ? Instant.ofEpochSecond(reg.clientSecretExpiresAt()) : null);
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted while waiting for the sign-in");
        }
    }

    private static SsoLoginException expired() {
        return new SsoLoginException("the device code expired before the sign-in was approved; run sso login again");
    }

    static StsCallException failure(AwsServiceException e, String what) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "HTTP" + e.statusCode() : e.awsErrorDetails().errorCode();
        return new StsCallException(code, "IAM Identity Center refused " + what + ": " + code + " (HTTP "
                + e.statusCode() + ")");
    }

    static StsCallException unreachable(SdkException e, CallLimits limits) {
        StsCallException network = StsGateway.networkFailure(e, "IAM Identity Center", limits);
        return network != null ? network
                : new StsCallException("ClientError", "IAM Identity Center could not be called: " + e.getClass().getSimpleName());
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String safe(String s) {
        return s.matches("[\\w.-]{1,64}") ? s : "(an unexpected error code)";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    try {
                        out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        // a malformed pair is ignored
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "SsoLogin[" + oidcBase + "]";
    }

    /** Configures an {@link SsoLogin}. Not thread-safe. */
    public static final class Builder {
        private String region = "us-east-1";
        private URI endpoint;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Duration callbackTimeout = Duration.ofMinutes(10);
        private CallLimits limits = CallLimits.DEFAULT;

        private Builder() {
        }

        /**
         * The connect and call deadlines of every OIDC call (the call deadline bounds each attempt). Default:
         * {@link CallLimits#DEFAULT}, 2 seconds to connect and 30 for a call.
         */
        public Builder callLimits(CallLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The Identity Center region ({@code sso_region}). Default {@code us-east-1}. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The OIDC endpoint. Default {@code null}: {@code https://oidc.REGION.amazonaws.com}. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Stamps token expiry and the device code's deadline. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Waits between device-code polls. Default {@link Thread#sleep}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How long the browser sign-in may take. Default 10 minutes. */
        public Builder callbackTimeout(Duration timeout) {
            this.callbackTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public SsoLogin build() {
            return new SsoLogin(this);
        }
    }
}
