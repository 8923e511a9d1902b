package dev.stsfleet.sso;

import dev.stsfleet.FleetResult;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.ThrottleControl;
import dev.stsfleet.bulk.BulkRunner;
import dev.stsfleet.sts.CallLimits;
import dev.stsfleet.sts.SdkClients;
import dev.stsfleet.sts.StsGateway;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.SsoClientBuilder;
import software.amazon.awssdk.services.sso.model.ListAccountRolesResponse;
import software.amazon.awssdk.services.sso.model.ListAccountsResponse;

/**
 * The AWS access portal of one Identity Center sign-in (the AWS SDK's {@code sso} client): ListAccounts (every
 * page), ListAccountRoles per account, and GetRoleCredentials per (account, role) through the one bulk engine
 * ({@link BulkRunner}). Identity Center limits the portal to about 20 requests per second and answers 429
 * {@code TooManyRequestsException} beyond; with {@link ThrottleControl#AIMD} (the default) every attempt first
 * waits for its turn at the configured rate, which is lowered by a fifth on a 429 and climbs back on successes,
 * so a run of thousands of pairs stays close to the rate without a storm of 429s, and a throttled call is
 * retried (never lost). {@link ThrottleControl#OFF} sends at once and leaves 429s to the SDK's backoff;
 * {@link ThrottleControl#SDK_ADAPTIVE} uses the SDK's adaptive strategy.
 *
 * <p>Thread-safe. Closing closes the client; the token source is not closed.
 */
public final class IdentityCenterPortal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityCenterPortal.class);
    private final SsoClient client;
    private final Supplier<String> accessToken;
    private final Clock clock;
    private final ThrottleControl control;
    private final Pacer pacer;
    private final int concurrency;
    private final int maxAttempts;
    private final CallLimits limits;
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();

    /** An account the signed-in user can access. */
    public record Account(String accountId, String accountName) {
    }

    /** A permission set (role) of an account. */
    public record AccountRole(String accountId, String accountName, String roleName) {
        /** {@code <account>-<role>}: the name of its bulk entry. */
        public String name() {
            return accountId + "-" + roleName;
        }
    }

    private IdentityCenterPortal(Builder b) {
        this.accessToken = b.accessToken;
        this.clock = b.clock;
        this.control = b.throttleControl;
        this.concurrency = b.concurrency;
        this.maxAttempts = b.maxAttempts;
        this.limits = b.limits;
        this.pacer = control == ThrottleControl.AIMD && b.rate > 0 ? new Pacer(b.rate) : null;
        SsoClientBuilder cb = SsoClient.builder()
                .region(Region.of(b.region))
                .credentialsProvider(AnonymousCredentialsProvider.create());
        // With AIMD each SDK call is one attempt: this class retries, pacing every attempt.
        SdkClients.configure(cb, b.limits, Math.max(2, b.concurrency), control == ThrottleControl.AIMD
                        ? AwsRetryStrategy.doNotRetry()
                        : StsGateway.retryStrategy(control, b.maxAttempts, Duration.ofSeconds(20)),
                b.limits.callTimeout().multipliedBy(control == ThrottleControl.AIMD ? 1 : 4));
        if (b.endpoint != null) {
            cb.endpointOverride(b.endpoint);
        }
        this.client = cb.build();
        LOG.debug("Identity Center portal client: region {}, endpoint {}, throttle control {}, rate {}/s", b.region,
                b.endpoint == null ? "the SDK's" : b.endpoint, control, b.rate);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every account of the signed-in user, in the portal's order (ListAccounts, every page). */
    public List<Account> accounts() {
        List<Account> out = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListAccountsResponse page = call("ListAccounts", () -> client.listAccounts(r -> r.accessToken(accessToken.get())
                    .maxResults(100).nextToken(token)));
            page.accountList().forEach(a -> out.add(new Account(a.accountId(), a.accountName())));
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return out;
    }

    /** The permission sets of one account (ListAccountRoles, every page). */
    public List<String> roles(String accountId) {
        List<String> out = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListAccountRolesResponse page = call("ListAccountRoles", () -> client.listAccountRoles(r -> r
                    .accessToken(accessToken.get()).accountId(accountId).maxResults(100).nextToken(token)));
            page.roleList().forEach(r -> out.add(r.roleName()));
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return out;
    }

    /**
     * The (account, role) pairs of a selection: the given accounts (null: every account) and role names (null:
     * every role of each account), listing each account's roles concurrently. An account named but not
     * accessible, or a role named that no selected account has, is a problem reported before any credentials call.
     *
     * @throws dev.stsfleet.InvalidInputException listing every account or role that was asked for and is not there
     */
    public List<AccountRole> select(Collection<String> accountIds, Collection<String> roleNames) {
        List<Account> all = accounts();
        Map<String, Account> byId = new LinkedHashMap<>();
        all.forEach(a -> byId.put(a.accountId(), a));
        List<String> problems = new ArrayList<>();
        List<Account> chosen = new ArrayList<>();
        if (accountIds == null) {
            chosen.addAll(all);
        } else {
            for (String id : new LinkedHashSet<>(accountIds)) {
                Account a = byId.get(id);
                if (a == null) {
                    problems.add("account " + id + " is not among the " + all.size() + " accounts of this sign-in");
                } else {
                    chosen.add(a);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new dev.stsfleet.InvalidInputException(problems);
        }
        Map<String, List<String>> roles = rolesOf(chosen);
        List<AccountRole> out = new ArrayList<>();
        Set<String> seenRoles = new LinkedHashSet<>();
        for (Account a : chosen) {
            for (String role : roles.get(a.accountId())) {
                seenRoles.add(role);
                if (roleNames == null || roleNames.contains(role)) {
                    out.add(new AccountRole(a.accountId(), a.accountName(), role));
                }
            }
        }
        if (roleNames != null) {
            for (String r : new LinkedHashSet<>(roleNames)) {
                if (!seenRoles.contains(r)) {
                    problems.add("role " + r + " is in none of the " + chosen.size() + " selected accounts");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new dev.stsfleet.InvalidInputException(problems);
        }
        return out;
    }

    private Map<String, List<String>> rolesOf(List<Account> accounts) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, accounts.size())), r -> {
            Thread t = new Thread(r, "stsfleet-sso-roles");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<List<String>>> futures = new LinkedHashMap<>();
            for (Account a : accounts) {
                futures.put(a.accountId(), pool.submit(() -> roles(a.accountId())));
            }
            for (Map.Entry<String, Future<List<String>>> f : futures.entrySet()) {
                try {
                    out.put(f.getKey(), f.getValue().get());
                } catch (ExecutionException e) {
                    futures.values().forEach(x -> x.cancel(true));
                    throw e.getCause() instanceof RuntimeException r ? r
                            : new StsFleetException("listing the roles of account " + f.getKey() + " failed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StsFleetException("interrupted while listing roles");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The role credentials of one pair (GetRoleCredentials).
     *
     * @throws StsCallException with the portal's code ({@code ForbiddenException}, {@code UnauthorizedException},
     *                          {@code TooManyRequestsException} after every attempt, ...)
     */
    public RoleCredentials roleCredentials(String accountId, String roleName) {
        software.amazon.awssdk.services.sso.model.RoleCredentials c = call("GetRoleCredentials", () -> client
                .getRoleCredentials(r -> r.accessToken(accessToken.get()).accountId(accountId).roleName(roleName)))
                .roleCredentials();
        Instant now = clock.instant();
        Instant end = Instant.ofEpochMilli(c.expiration());
        return new RoleCredentials(accountId + "-" + roleName, "arn:aws:iam::" + accountId + ":role/" + roleName, null,
                TemporaryCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(),
                        end.isBefore(now) ? end : now, end));
    }

    /**
     * Ends the sign-in session at the portal (Logout): the access token, and the session it belongs to, stop
     * working for every client that holds them (the AWS CLI's cache is the same file).
     *
     * @throws StsCallException with the portal's code ({@code UnauthorizedException} for a token it no longer knows)
     */
    public void logout() {
        call("Logout", () -> client.logout(r -> r.accessToken(accessToken.get())));
    }

    /**
     * Credentials for every pair through the bulk engine, keyed by {@code keyOf}; one failing pair never loses another.
     */
    public FleetResult generate(List<AccountRole> pairs, Function<AccountRole, String> keyOf, OutputFormat format,
                                ProgressListener listener) {
        List<BulkRunner.Task> tasks = pairs.stream()
                .map(p -> new BulkRunner.Task(keyOf.apply(p), p.name(), "arn:aws:iam::" + p.accountId() + ":role/"
                        + p.roleName(), () -> roleCredentials(p.accountId(), p.roleName())))
                .toList();
        return BulkRunner.run(tasks, concurrency, "stsfleet-sso", format, listener);
    }

    /** The 429 answers this portal client received (each was retried). */
    public long throttled() {
        return throttled.get();
    }

    /** The portal calls this client made, attempts included. */
    public long calls() {
        return calls.get();
    }

    private <T> T call(String operation, Supplier<T> sdkCall) {
        int attempt = 0;
        long backoffMillis = 100;
        while (true) {
            attempt++;
            if (pacer != null) {
                pacer.acquire();
            }
            calls.incrementAndGet();
            try {
                T out = sdkCall.get();
                if (pacer != null) {
                    pacer.success();
                }
                return out;
            } catch (AwsServiceException e) {
                boolean throttle = e.statusCode() == 429 || "TooManyRequestsException".equals(code(e));
                if (throttle) {
                    throttled.incrementAndGet();
                }
                boolean transientError = throttle || e.statusCode() >= 500;
                if (pacer == null || !transientError || attempt >= maxAttempts) {
                    throw translate(operation, e);
                }
                if (throttle) {
                    pacer.throttled();
                    LOG.debug("{}: 429, portal rate now {}/s", operation, String.format("%.1f", pacer.rate()));
                } else {
                    pause(ThreadLocalRandom.current().nextLong(backoffMillis) + 1);
                    backoffMillis = Math.min(5_000, backoffMillis * 2);
                }
            } catch (SdkClientException e) {
                if (pacer == null || attempt >= maxAttempts || !causedBy(e, IOException.class)) {
                    throw SsoLogin.unreachable(e, limits);
                }
                pause(ThreadLocalRandom.current().nextLong(backoffMillis) + 1);
                backoffMillis = Math.min(5_000, backoffMillis * 2);
            } catch (SdkException e) {
                throw SsoLogin.unreachable(e, limits);
            }
        }
    }

    private static StsCallException translate(String operation, AwsServiceException e) {
        String code = code(e);
        if (code.isEmpty()) {
            code = "HTTP" + e.statusCode();
        }
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String hint = code.equals("UnauthorizedException")
                ? " (the Identity Center token is not valid any more: run stsfleet sso login)" : "";
        return new StsCallException(code, "IAM Identity Center refused " + operation + ": "
                + (message == null || message.length() > 200 ? "HTTP " + e.statusCode() : message) + hint);
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted");
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "IdentityCenterPortal[" + control + "]";
    }

    /**
     * Spaces attempts at a rate: each takes the next free slot ({@code 1/rate} apart, no burst). A 429 lowers the
     * rate by a fifth (at most once per 20 slots, never below one per second); each success raises it by a
     * twentieth of a request per second, up to the configured rate.
     */
    static final class Pacer {
        private final double max;
        private double rate;
        private long nextFree = System.nanoTime();
        private long lastCut;

        Pacer(double rate) {
            this.max = rate;
            this.rate = rate;
        }

        void acquire() {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                long slot = Math.max(nextFree, now);
                nextFree = slot + (long) (1e9 / rate);
                wait = slot - now;
            }
            if (wait > 0) {
                pause(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }

        synchronized void success() {
            rate = Math.min(max, rate + 0.05);
        }

        synchronized void throttled() {
            long now = System.nanoTime();
            if (now - lastCut > 20 * 1e9 / rate) {
                rate = Math.max(1.0, rate * 0.8);
                lastCut = now;
            }
        }

        synchronized double rate() {
            return rate;
        }

        private static void pause(long millis, int nanos) {
            try {
                Thread.sleep(millis, nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StsFleetException("interrupted");
            }
        }
    }

    /** Configures an {@link IdentityCenterPortal}. Not thread-safe. */
    public static final class Builder {
        private String region = "us-east-1";
        private URI endpoint;
        private Supplier<String> accessToken;
        private Clock clock = Clock.systemUTC();
        private ThrottleControl throttleControl = ThrottleControl.AIMD;
        private double rate = 20;
        private int concurrency = 8;
        private int maxAttempts = 50;
        private CallLimits limits = CallLimits.DEFAULT;

        private Builder() {
        }

        /** The Identity Center region ({@code sso_region}). Default {@code us-east-1}. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The portal endpoint. Default {@code null}: the SDK's ({@code https://portal.sso.REGION.amazonaws.com}). */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The bearer token of every call, asked for each attempt (e.g. {@link SsoTokens#accessToken()}). Required. */
        public Builder accessToken(Supplier<String> accessToken) {
            this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
            return this;
        }

        /** Stamps the credentials' start. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How 429s are avoided and retried. Default {@link ThrottleControl#AIMD} (paced at {@link #rate}). */
        public Builder throttleControl(ThrottleControl control) {
            this.throttleControl = Objects.requireNonNull(control, "control");
            return this;
        }

        /** Portal requests per second with {@link ThrottleControl#AIMD}; 0 = unpaced. Default 20 (Identity Center's limit). */
        public Builder rate(double rate) {
            if (!(rate >= 0 && Double.isFinite(rate))) {
                throw new dev.stsfleet.InvalidInputException("the portal rate must be a number >= 0, not " + rate);
            }
            this.rate = rate;
            return this;
        }

        /** Calls in flight at most. Default 8. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new dev.stsfleet.InvalidInputException("concurrency must be 1 to 1024, not " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Attempts per call, the first included. Default 50. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Math.max(1, maxAttempts);
            return this;
        }

        /** The deadline of one attempt. Default 30 seconds. */
        public Builder callTimeout(Duration callTimeout) {
            this.limits = limits.withCallTimeout(callTimeout);
            return this;
        }

        /**
         * The connect and call deadlines of every portal call, the call deadline being that of one attempt
         * (replaces an earlier {@link #callTimeout}). Default: {@link CallLimits#DEFAULT}, 2 seconds to connect
         * and 30 for a call.
         */
        public Builder callLimits(CallLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public IdentityCenterPortal build() {
            if (accessToken == null) {
                throw new IllegalStateException("an access token source is required");
            }
            return new IdentityCenterPortal(this);
        }
    }
}
