package dev.stsfleet.sts;

import dev.stsfleet.CallerIdentity;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.ThrottleControl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.http.conn.ConnectTimeoutException;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.retries.internal.DefaultAdaptiveRetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.scheme.StsAuthSchemeProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.Tag;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithSamlResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.GetSessionTokenResponse;

/**
 * The STS calls stsfleet makes, over ONE shared {@link StsClient} and its pooled HTTP client. Every call
 * carries its own credentials; SDK responses become our redacted values and SDK exceptions become
 * {@link StsCallException}s right here, so no SDK model object (which holds secrets) travels further.
 *
 * <p>Throttling, 5xx answers, {@code InternalFailure} and transient IO errors are retried with
 * exponential backoff and full jitter, without the SDK's retry quota (circuit breaker), so a throttled
 * bulk run keeps going; every other error fails at once. {@link ThrottleControl} says what else happens on
 * throttling: with {@link ThrottleControl#AIMD} every attempt (retries included) first takes a permit of an
 * {@link AimdLimiter} shared by all calls of the gateway, and the gateway runs the SDK's retry strategy
 * itself (the SDK client does not retry) so that a backoff never holds a permit.
 *
 * <p>Thread-safe. Closing it closes the client and its connection pool.
 */
public final class StsGateway implements RoleAssumer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StsGateway.class);

    static final Set<String> THROTTLING_CODES = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
            "RequestThrottled", "SlowDown");
    static final Set<String> TRANSIENT_CODES = Set.of("InternalFailure", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete");
    static final Set<String> FINAL_CODES = Set.of("AccessDenied", "ValidationError", "ExpiredToken",
            "InvalidIdentityToken", "ExpiredTokenException", "IDPRejectedClaim",
            "InvalidClientTokenId", "SignatureDoesNotMatch", "MalformedPolicyDocument",
            "RegionDisabledException", "PackedPolicyTooLarge", "IncompleteSignature", "MissingAuthenticationToken");

    /** Used only if a call forgot its credentials: the SDK's default chain must never be consulted. */
    private static final AwsCredentialsProvider NO_DEFAULT_CREDENTIALS = () -> {
        throw new StsFleetException("internal error: an STS call was made without its own credentials");
    };

    private static final AwsRequestOverrideConfiguration UNSIGNED = AwsRequestOverrideConfiguration.builder()
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .build();

    /** The share of the limit kept after a throttle: TCP's half, which came down from 32 with fewer throttles than 0.75. */
    static final double AIMD_BACKOFF_RATIO = 0.5;
    private static final String RETRY_SCOPE = "sts";

    /** The default deadline of one call, retries included: {@link CallLimits#DEFAULT_CALL_TIMEOUT}. */
    public static final Duration DEFAULT_CALL_TIMEOUT = CallLimits.DEFAULT_CALL_TIMEOUT;

    private final StsClient client;
    private final Clock clock;
    /** Where calls go, for messages: {@code host:port} of the endpoint, or the regional STS host name. */
    private final String target;
    private final CallLimits limits;
    private final ThrottleControl throttleControl;
    /** The AIMD limit and the retries run around it; both {@code null} unless {@link ThrottleControl#AIMD}. */
    private final AimdLimiter limiter;
    private final RetryStrategy retries;

    private StsGateway(Builder b) {
        this.clock = b.clock;
        this.throttleControl = b.throttleControl;
        this.limits = b.limits;
        this.target = b.endpoint != null
                ? b.endpoint.getHost() + ":" + (b.endpoint.getPort() >= 0 ? b.endpoint.getPort()
                        : "https".equals(b.endpoint.getScheme()) ? 443 : 80)
                : "sts." + b.region + ".amazonaws.com";
        RetryStrategy sdkRetries = switch (b.throttleControl) {
            case OFF -> retryStrategy(b.maxAttempts, b.maxBackoff);
            case SDK_ADAPTIVE -> adaptiveRetryStrategy(b.maxAttempts, b.maxBackoff);
            // Each SDK call is one attempt: the gateway retries, taking a permit for every attempt.
            case AIMD -> DefaultRetryStrategy.doNotRetry();
        };
        if (b.throttleControl == ThrottleControl.AIMD) {
            this.limiter = new AimdLimiter(b.maxConnections, b.maxConnections, AIMD_BACKOFF_RATIO);
            this.retries = retryStrategy(b.maxAttempts, b.maxBackoff);
        } else {
            this.limiter = null;
            this.retries = null;
        }
        StsClientBuilder cb = StsClient.builder()
                .region(Region.of(b.region))
                .credentialsProvider(NO_DEFAULT_CREDENTIALS);
        // One deadline per call, retries included (with AIMD, send() keeps it across its attempts).
        SdkClients.configure(cb, b.limits, b.maxConnections, sdkRetries, b.limits.callTimeout(), c -> {
            if (b.profileFile != null) {
                // The SDK reads settings from profiles too: make it read ours, not ~/.aws.
                c.defaultProfileFile(b.profileFile);
            }
            if (b.profileName != null) {
                c.defaultProfileName(b.profileName);
            }
        });
        if (b.endpoint != null) {
            cb.endpointOverride(b.endpoint);
        }
        // Sign with the same clock that stamps and expires credentials: one notion of "now" per gateway
        // (a test that moves its clock hours ahead still signs requests a server on that clock accepts).
        StsAuthSchemeProvider schemes = StsAuthSchemeProvider.defaultProvider();
        Clock signingClock = b.clock;
        cb.authSchemeProvider(params -> schemes.resolveAuthScheme(params).stream()
                .map(option -> option.toBuilder().putSignerProperty(HttpSigner.SIGNING_CLOCK, signingClock).build())
                .toList());
        this.client = cb.build();
        if (!b.warmup) {
            LOG.debug("STS client: region {}, endpoint {}, {} connections, {} attempts per call, throttle control {}, "
                    + "{}", b.region, b.endpoint == null ? "the SDK's regional endpoint" : b.endpoint,
                    b.maxConnections, b.maxAttempts, b.throttleControl, b.limits);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * GetSessionToken for an IAM user, with MFA when both {@code mfaSerial} and {@code mfaCode} are given.
     *
     * @param caller        the user's long-term keys
     * @param sourceProfile the profile the keys come from (recorded in the result)
     */
    public SessionToken getSessionToken(AwsCredentials caller, String sourceProfile, Duration lifetime,
                                        String mfaSerial, String mfaCode) {
        Objects.requireNonNull(caller, "caller");
        try {
            GetSessionTokenResponse response = send(() -> client.getSessionToken(r -> {
                r.durationSeconds(Math.toIntExact(lifetime.toSeconds()))
                        .overrideConfiguration(signedBy(caller));
                if (mfaSerial != null) {
                    r.serialNumber(mfaSerial).tokenCode(mfaCode);
                }
            }));
            TemporaryCredentials credentials = convert(response.credentials());
            return new SessionToken(credentials, sourceProfile, mfaSerial);
        } catch (SdkException e) {
            throw fail(e, caller, mfaCode);
        }
    }

    /** AssumeRole signed with {@code caller}. */
    @Override
    public AssumedRole assumeRole(AwsCredentials caller, String roleArn, String sessionName, int durationSeconds,
                                  String externalId, RequestOptions options) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(options, "options");
        try {
            AssumeRoleResponse response = send(() -> client.assumeRole(r -> {
                r.roleArn(roleArn)
                        .roleSessionName(sessionName)
                        .durationSeconds(durationSeconds)
                        .externalId(externalId)
                        .overrideConfiguration(signedBy(caller));
                withOptions(r, options);
            }));
            String assumedArn = response.assumedRoleUser() == null ? null : response.assumedRoleUser().arn();
            return new AssumedRole(convert(response.credentials()), assumedArn);
        } catch (SdkException e) {
            throw fail(e, caller, externalId);
        }
    }

    private static void withOptions(AssumeRoleRequest.Builder r, RequestOptions options) {
        if (options.sourceIdentity() != null) {
            r.sourceIdentity(options.sourceIdentity());
        }
        if (!options.tags().isEmpty()) {
            r.tags(options.tags().entrySet().stream()
                    .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList());
        }
        if (!options.transitiveTagKeys().isEmpty()) {
            r.transitiveTagKeys(options.transitiveTagKeys());
        }
        if (!options.policyArns().isEmpty()) {
            r.policyArns(options.policyArns().stream()
                    .map(a -> PolicyDescriptorType.builder().arn(a).build()).toList());
        }
        if (options.policy() != null) {
            r.policy(options.policy());
        }
    }

    /**
     * AssumeRoleWithSAML, unsigned (the assertion is the proof), through the same shared client. AWS's
     * messages are passed on with the assertion masked.
     *
     * @param base64Assertion the IdP's {@code SAMLResponse} as sent (a secret)
     * @param durationSeconds the session's length, or {@code null} for AWS's default (one hour)
     */
    public AssumedRole assumeRoleWithSaml(String roleArn, String principalArn, String base64Assertion,
                                          Integer durationSeconds) {
        Objects.requireNonNull(base64Assertion, "base64Assertion");
        try {
            AssumeRoleWithSamlResponse response = send(() -> client.assumeRoleWithSAML(r -> r
                    .roleArn(roleArn)
                    .principalArn(principalArn)
                    .samlAssertion(base64Assertion)
                    .durationSeconds(durationSeconds)
                    // Anonymous: never signed, and the client's guard against unsigned calls is not consulted.
                    .overrideConfiguration(UNSIGNED)));
            String assumedArn = response.assumedRoleUser() == null ? null : response.assumedRoleUser().arn();
            return new AssumedRole(convert(response.credentials()), assumedArn);
        } catch (SdkException e) {
            throw fail(e, null, base64Assertion);
        }
    }

    /**
     * AssumeRoleWithWebIdentity, unsigned (the token is the proof), through the same shared client. AWS's messages
     * are passed on with the token masked.
     *
     * @param token           the OIDC token as read (a secret)
     * @param durationSeconds the session's length, or {@code null} for AWS's default (one hour)
     */
    public AssumedRole assumeRoleWithWebIdentity(String roleArn, String sessionName, String token,
                                                 Integer durationSeconds) {
        Objects.requireNonNull(token, "token");
        try {
            AssumeRoleWithWebIdentityResponse response = send(() -> client.assumeRoleWithWebIdentity(r -> r
                    .roleArn(roleArn)
                    .roleSessionName(sessionName)
                    .webIdentityToken(token)
                    .durationSeconds(durationSeconds)
                    .overrideConfiguration(UNSIGNED)));
            String assumedArn = response.assumedRoleUser() == null ? null : response.assumedRoleUser().arn();
            return new AssumedRole(convert(response.credentials()), assumedArn);
        } catch (SdkException e) {
            throw fail(e, null, token);
        }
    }

    /** GetCallerIdentity for a set of credentials. */
    public CallerIdentity getCallerIdentity(AwsCredentials caller) {
        Objects.requireNonNull(caller, "caller");
        try {
            GetCallerIdentityResponse r = send(() -> client.getCallerIdentity(b -> b.overrideConfiguration(signedBy(caller))));
            return new CallerIdentity(r.account(), r.arn(), r.userId());
        } catch (SdkException e) {
            throw fail(e, caller, null);
        }
    }

    /** How this gateway reacts to throttling. */
    public ThrottleControl throttleControl() {
        return throttleControl;
    }

    /** The AIMD limiter, or {@code null} without {@link ThrottleControl#AIMD}; for tests. */
    AimdLimiter limiter() {
        return limiter;
    }

    @Override
    public void close() {
        client.close();
    }

    /** Why an attempt failed, in words safe to log: AWS's error code, else the kind of client failure. */
    private static String retryReason(SdkException failure) {
        if (failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null) {
            return aws.awsErrorDetails().errorCode() + ", HTTP " + aws.statusCode();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    /**
     * One call. Without AIMD the SDK runs it with its retries. With AIMD every attempt holds a permit from
     * the limiter, returned when the attempt ends whatever the exit (try-with-resources), and the SDK's
     * retry strategy (the same as without AIMD) decides here whether and when to try again, so the backoff
     * is slept without a permit.
     */
    private <T> T send(Supplier<T> attempt) {
        if (limiter == null) {
            return attempt.get();
        }
        RetryToken token = retries.acquireInitialToken(AcquireInitialTokenRequest.create(RETRY_SCOPE)).token();
        long deadline = System.nanoTime() + limits.callTimeout().toNanos();
        while (true) {
            SdkException failure;
            try (AimdLimiter.Permit permit = permit()) {
                try {
                    T result = attempt.get();
                    permit.release(AimdLimiter.Outcome.SUCCESS);
                    retries.recordSuccess(RecordSuccessRequest.create(token));
                    return result;
                } catch (SdkException e) {
                    if (permit.release(outcomeOf(e))) {
                        LOG.debug("Throttling answer: at most {} STS calls in flight now", limiter.limit());
                    }
                    failure = e;
                }
            }
            if (failure instanceof AbortedException || Thread.currentThread().isInterrupted()) {
                throw failure;
            }
            RefreshRetryTokenResponse next;
            try {
                next = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(failure)
                        .build());
            } catch (TokenAcquisitionFailedException e) {
                // Not retryable, or out of attempts: the call fails with what the last attempt got.
                throw failure;
            }
            token = next.token();
            if (System.nanoTime() + next.delay().toNanos() >= deadline) {
                throw failure; // the call's deadline comes before the next attempt could
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("STS call to {} failed ({}); retrying in {} ms", target, retryReason(failure),
                        next.delay().toMillis());
            }
            try {
                Thread.sleep(next.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw AbortedException.create("interrupted while backing off before a retry", e);
            }
        }
    }

    private AimdLimiter.Permit permit() {
        try {
            return limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while waiting for a place among the STS calls in flight", e);
        }
    }

    /** An AWS answer other than a throttle or a 5xx shows the server coped: the limit may grow. */
    private static AimdLimiter.Outcome outcomeOf(SdkException e) {
        if (throttling(e)) {
            return AimdLimiter.Outcome.THROTTLED;
        }
        if (e instanceof AwsServiceException service && service.statusCode() < 500) {
            return AimdLimiter.Outcome.SUCCESS;
        }
        return AimdLimiter.Outcome.IGNORED;
    }

    private static AwsRequestOverrideConfiguration signedBy(AwsCredentials caller) {
        return AwsRequestOverrideConfiguration.builder()
                .credentialsProvider(StaticCredentialsProvider.create(caller))
                .build();
    }

    private TemporaryCredentials convert(Credentials c) {
        if (c == null) {
            throw new StsCallException("InvalidResponse", "STS answered without credentials");
        }
        return TemporaryCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(),
                clock.instant(), c.expiration());
    }

    private StsCallException fail(SdkException e, AwsCredentials caller, String extraSecret) {
        StsCallException network = networkFailure(e, target, limits);
        return network != null ? network : translate(e, caller, extraSecret);
    }

    /**
     * A failure to reach STS, said plainly with the host and what failed ({@code NetworkError}: refused,
     * timed out, unreachable), or {@code null} if {@code e} is something else. Never the SDK's text, which
     * may carry the endpoint URL.
     */
    public static StsCallException networkFailure(SdkException e, String target, CallLimits limits) {
        if (e instanceof AwsServiceException) {
            return null;
        }
        if (causedBy(e, ConnectTimeoutException.class) || connectTimedOut(e)) {
            return new StsCallException("NetworkError", "cannot connect to " + target + ": no answer within "
                    + seconds(limits.connectTimeout()) + " (--connect-timeout)");
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || causedBy(e, SocketTimeoutException.class)) {
            return new StsCallException("NetworkError", "no answer from " + target + " within the call timeout of "
                    + seconds(limits.callTimeout()) + " (--call-timeout)");
        }
        if (causedBy(e, ConnectException.class)) {
            return new StsCallException("NetworkError", "cannot connect to " + target + ": connection refused");
        }
        if (causedBy(e, UnknownHostException.class)) {
            return new StsCallException("NetworkError", "cannot resolve the STS host of " + target);
        }
        if (causedBy(e, NoRouteToHostException.class) || causedBy(e, SocketException.class)) {
            return new StsCallException("NetworkError", "the connection to " + target + " failed");
        }
        return null;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Our exception for an SDK one: AWS's code and message, with any secret of the call masked. */
    static StsCallException translate(SdkException e, AwsCredentials caller, String extraSecret) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
            if (code == null || code.isBlank()) {
                code = "HTTP" + service.statusCode();
            }
            if (message == null) {
                message = "HTTP status " + service.statusCode();
            }
            // No cause: the SDK exception is not ours to vouch for; code and message say what AWS said.
            return new StsCallException(code, mask(message, caller, extraSecret));
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new StsCallException("ClientError", mask(message, caller, extraSecret), e);
    }

    private static String mask(String message, AwsCredentials caller, String extraSecret) {
        String out = message;
        if (caller != null) {
            out = out.replace(caller.secretAccessKey(), "****");
            if (caller instanceof AwsSessionCredentials s) {
                out = out.replace(s.sessionToken(), "****");
            }
        }
        if (extraSecret != null && !extraSecret.isEmpty()) {
            out = out.replace(extraSecret, "****");
        }
        return out;
    }

    /**
     * The SDK retry strategy of {@code control} for another AWS client whose calls are made one at a time (the
     * Organizations listing): the same predicates ({@code TooManyRequestsException} is a throttle), the same
     * backoff with full jitter and no retry quota. With {@link ThrottleControl#AIMD} it is the backoff the
     * gateway runs around its limiter: one call in flight leaves an in-flight limit nothing to limit.
     */
    public static RetryStrategy retryStrategy(ThrottleControl control, int maxAttempts, Duration maxBackoff) {
        return control == ThrottleControl.SDK_ADAPTIVE ? adaptiveRetryStrategy(maxAttempts, maxBackoff)
                : retryStrategy(maxAttempts, maxBackoff);
    }

    static RetryStrategy retryStrategy(int maxAttempts, Duration maxBackoff) {
        return StandardRetryStrategy.builder()
                .maxAttempts(maxAttempts)
                .circuitBreakerEnabled(false)
                .retryOnException(StsGateway::retryable)
                .treatAsThrottling(StsGateway::throttling)
                // Full jitter: a uniformly random delay up to the exponential bound (AWS's recommendation).
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), maxBackoff))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(500), maxBackoff))
                .build();
    }

    /**
     * The SDK's adaptive strategy with our predicates and backoff, and its retry quota (circuit breaker) off
     * like ours: the public builder has no switch for it, so the internal builder is used. For measurement
     * ({@link ThrottleControl#SDK_ADAPTIVE}); if a later SDK moves the class, the quota stays on (logged).
     */
    static RetryStrategy adaptiveRetryStrategy(int maxAttempts, Duration maxBackoff) {
        AdaptiveRetryStrategy.Builder b = AdaptiveRetryStrategy.builder()
                .maxAttempts(maxAttempts)
                .retryOnException(StsGateway::retryable)
                .treatAsThrottling(StsGateway::throttling)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), maxBackoff))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(500), maxBackoff));
        if (b instanceof DefaultAdaptiveRetryStrategy.Builder internal) {
            internal.circuitBreakerEnabled(false);
        } else {
            LOG.warn("the SDK's adaptive retry strategy keeps its retry quota: its builder is not the known one");
        }
        return b.build();
    }

    static boolean throttling(Throwable t) {
        return t instanceof AwsServiceException e
                && (e.statusCode() == 429 || THROTTLING_CODES.contains(errorCode(e)));
    }

    static boolean retryable(Throwable t) {
        if (t instanceof AwsServiceException e) {
            String code = errorCode(e);
            if (FINAL_CODES.contains(code)) {
                return false;
            }
            return THROTTLING_CODES.contains(code) || TRANSIENT_CODES.contains(code)
                    || e.statusCode() >= 500 || e.statusCode() == 429;
        }
        if (t instanceof SdkClientException) {
            // Transient IO (reset, timeout, refused under load) is worth another try; a name that does
            // not resolve will not resolve on the next attempt either.
            // Nor a refused connection: nobody listens there, and retrying only delays saying so.
            return causedBy(t, IOException.class) && !causedBy(t, UnknownHostException.class)
                    && !(causedBy(t, ConnectException.class) && !causedBy(t, ConnectTimeoutException.class));
        }
        return false;
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "" : e.awsErrorDetails().errorCode();
    }

    /** The JDK's connect deadline passing ({@code HttpURLConnection} says so only in the message). */
    private static boolean connectTimedOut(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SocketTimeoutException && c.getMessage() != null
                    && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect timed out")) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "StsGateway[" + client.serviceClientConfiguration().region() + "]";
    }

    /** Configures a gateway. Not thread-safe; build once. */
    public static final class Builder {
        private String region = "us-east-1";
        private URI endpoint;
        private int maxConnections = 64;
        private int maxAttempts = 10;
        private Duration maxBackoff = Duration.ofSeconds(20);
        private Clock clock = Clock.systemUTC();
        private ProfileFile profileFile;
        private String profileName;
        private boolean warmup;
        private ThrottleControl throttleControl = ThrottleControl.AIMD;
        private CallLimits limits = CallLimits.DEFAULT;

        private Builder() {
        }

        /**
         * How to react to throttling beyond retrying; with {@link ThrottleControl#AIMD} the limit's ceiling
         * is {@link #maxConnections}. Default: {@link ThrottleControl#AIMD}.
         */
        public Builder throttleControl(ThrottleControl throttleControl) {
            this.throttleControl = Objects.requireNonNull(throttleControl, "throttleControl");
            return this;
        }

        /** The signing region. Default: {@code us-east-1}. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The STS endpoint. Default: {@code null}, the SDK's regional endpoint. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The HTTP connection pool's size (and the AIMD ceiling); match the caller's concurrency. Default: 64. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** Attempts per call, the first included. Default: 10. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The cap of one backoff delay. Default: 20 seconds. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * The deadline of one call, all its attempts and backoffs included; an endpoint that accepts and never
         * answers fails after it. Default: {@link #DEFAULT_CALL_TIMEOUT}, 30 seconds.
         */
        public Builder callTimeout(Duration callTimeout) {
            this.limits = limits.withCallTimeout(callTimeout);
            return this;
        }

        /**
         * The connect and call deadlines of every call (replaces an earlier {@link #callTimeout}). Default:
         * {@link CallLimits#DEFAULT}, 2 seconds to connect and 30 for a call.
         */
        public Builder callLimits(CallLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The clock that stamps {@link TemporaryCredentials#start()}. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The profiles the SDK may read client settings from. Default: {@code null}, the SDK's own lookup. */
        public Builder profileFile(ProfileFile profileFile) {
            this.profileFile = profileFile;
            return this;
        }

        /** The profile the SDK reads client settings from. Default: {@code null}, the SDK's own lookup. */
        public Builder profileName(String profileName) {
            this.profileName = profileName;
            return this;
        }

        /** A throwaway client of {@link ClientWarmup}: built, never used, not logged. */
        Builder warmup() {
            this.warmup = true;
            return this;
        }

        public StsGateway build() {
            return new StsGateway(this);
        }
    }
}
