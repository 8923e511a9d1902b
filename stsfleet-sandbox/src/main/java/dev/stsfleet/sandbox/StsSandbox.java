package dev.stsfleet.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local STS with strict AWS semantics, on 127.0.0.1: the Query protocol at {@code /}, console
 * federation at {@code /federation}, counters at {@code /_sandbox/stats} ({@code POST /_sandbox/reset}
 * zeroes them). Thread-safe. It owns its HTTP server and its request threads (up to {@value #THREADS}, so
 * slow or stalled clients cannot block the others); {@link #close()} stops both and waits for them.
 * Unless already set, it sets the JDK server's {@code sun.net.httpserver.maxReqTime} (a request head and
 * body must arrive within 10 s, else the connection is closed) and caps request heads at 64 KB; the JDK
 * reads these once per JVM, before its first server.
 *
 * <pre>{@code
 * try (StsSandbox sts = StsSandbox.builder().start()) {
 *     StsClient client = StsClient.builder().endpointOverride(sts.endpoint()).region(Region.US_EAST_1)...
 * }
 * }</pre>
 */
public final class StsSandbox implements AutoCloseable {
    static final int THREADS = 256;

    static {
        // The JDK server flushes an answer's headers and body as two writes. With Nagle's algorithm on
        // (the JDK's default), the body then waits for the client's delayed ACK, about 40 ms on Linux,
        // on every answer. The JDK reads this property once, before its first server: set it here.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // Slow clients: a request (head and body) that has not arrived in 10 s loses its connection.
        setIfAbsent("sun.net.httpserver.maxReqTime", "10");
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", "65536");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor delayer;
    private final StsService service;
    private final SandboxStats stats;
    private final Faults faults;
    private final URI endpoint;
    private final IdentityCenterService identityCenter;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StsSandbox(Builder b) {
        this.stats = new SandboxStats();
        this.service = new StsService(b.model, b.clock, b.durationScale);
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "sts-sandbox-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Threads start on demand and end after 30 s idle; a request waits only if all of them are busy.
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                threads, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        this.delayer = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "sts-sandbox-delay-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            this.server = HttpServer.create(new InetSocketAddress(loopback, b.port), 256);
        } catch (IOException e) {
            executor.shutdownNow();
            delayer.shutdownNow();
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + b.port + ": " + e.getMessage(), e);
        }
        this.faults = new Faults(b.latency, b.throttleRps, b.errorRate, b.disabledRegions);
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        this.identityCenter = b.model.identityCenter()
                .map(ic -> new IdentityCenterService(ic, service, b.ssoAutoApprove)).orElse(null);
        server.createContext("/", new SandboxHandler(service, stats, faults, delayer, identityCenter,
                new Faults(Duration.ZERO, b.ssoRps, 0, java.util.Set.of()), endpoint));
        if (b.instanceRole != null) {
            SandboxModel.Role role = b.model.role(b.instanceRole).orElseThrow(() -> new IllegalArgumentException(
                    "instance role " + b.instanceRole + " is not a role of the model"));
            server.createContext("/latest/", new InstanceMetadata(service, stats, role));
        }
        server.setExecutor(executor);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:PORT}: STS at {@code /}, federation at {@code /federation}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    public SandboxModel model() {
        return service.model();
    }

    /** Live counters per action and outcome. */
    public SandboxStats stats() {
        return stats;
    }

    public void resetStats() {
        stats.reset();
    }

    /**
     * Changes the share of requests answered with HTTP 500 {@code InternalFailure} from now on, e.g. to
     * inject errors into background refresh only.
     */
    public void errorRate(double share) {
        if (!(share >= 0 && share < 1)) {
            throw new IllegalArgumentException("error rate must be >= 0 and < 1, not " + share);
        }
        faults.errorRate(share);
    }

    /**
     * From now on every {@code n}-th request (counted from this call) is answered HTTP 500 {@code InternalFailure}:
     * faults a test can count on, where {@link #errorRate} may inject none into a handful of calls, or a long run
     * of them. 0 turns it off.
     */
    public void errorEvery(int n) {
        if (n < 0 || n == 1) {
            throw new IllegalArgumentException("errorEvery must be 0 (off) or at least 2, not " + n);
        }
        faults.errorEvery(n);
    }

    /** From now on every AssumeRole of {@code roleArn} is denied ({@code AccessDenied}), as if its trust was removed. */
    public void revokeTrust(String roleArn) {
        service.revokeTrust(roleArn);
    }

    /** The code the device {@code mfaSerial} shows now, by the sandbox clock. Reading it does not spend it. */
    public String totp(String mfaSerial) {
        return totp(mfaSerial, service.clock().instant());
    }

    /** The code the device {@code mfaSerial} shows at {@code at}. @throws IllegalArgumentException for an unknown device */
    public String totp(String mfaSerial, Instant at) {
        return service.totp(mfaSerial, at);
    }

    public Clock clock() {
        return service.clock();
    }

    /**
     * The Identity Center user {@code user} (null: the model's first) approves the pending device code or browser
     * sign-in shown with {@code userCode}, as {@code POST /_sandbox/sso/approve} does.
     *
     * @throws IllegalArgumentException for an unknown user code or user, or a model without Identity Center
     */
    public void approveSso(String userCode, String user) {
        requireIdentityCenter().approve(userCode, user);
    }

    /** The next poll of the device code shown with {@code userCode} is answered {@code slow_down}. */
    public void slowDownSso(String userCode) {
        requireIdentityCenter().slowDown(userCode);
    }

    /** The polling interval in seconds the device code shown with {@code userCode} requires now (raised by slow_down). */
    public int ssoDeviceInterval(String userCode) {
        return requireIdentityCenter().deviceInterval(userCode);
    }

    /** The user codes of the device codes and browser sign-ins waiting for approval now. */
    public java.util.List<String> pendingSsoUserCodes() {
        return requireIdentityCenter().pendingUserCodes();
    }

    /** Ends every Identity Center access token now; refresh tokens keep working. */
    public void expireSsoAccessTokens() {
        requireIdentityCenter().expireAccessTokens();
    }

    private IdentityCenterService requireIdentityCenter() {
        if (identityCenter == null) {
            throw new IllegalArgumentException("the model has no identityCenter");
        }
        return identityCenter;
    }

    /** Stops the server at once and joins its threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        delayer.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            delayer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "StsSandbox[" + endpoint + (closed.get() ? ", closed" : "") + "]";
    }

    /** Configures a sandbox. Not thread-safe; setters validate their argument. */
    public static final class Builder {
        private SandboxModel model = SandboxModel.demo();
        private int port;
        private Clock clock = Clock.systemUTC();
        private double durationScale = 1.0;
        private Duration latency = Duration.ZERO;
        private double throttleRps;
        private double errorRate;
        private java.util.Set<String> disabledRegions = java.util.Set.of();
        private String instanceRole;
        private boolean ssoAutoApprove;
        private double ssoRps = 20;

        private Builder() {
        }

        /**
         * Also serves an EC2 instance metadata service (IMDSv2) under {@code /latest/} for this role of the model:
         * point {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} at {@link StsSandbox#endpoint()}. Default: none.
         */
        public Builder instanceRole(String roleArn) {
            this.instanceRole = roleArn;
            return this;
        }

        /**
         * Approve every device code at its first poll and every {@code /authorize} for the model's first Identity
         * Center user. Default: false (approval by {@code POST /_sandbox/sso/approve} or {@link #approveSso}).
         */
        public Builder ssoAutoApprove(boolean autoApprove) {
            this.ssoAutoApprove = autoApprove;
            return this;
        }

        /**
         * The Identity Center portal's request rate (ListAccounts, ListAccountRoles and GetRoleCredentials together)
         * beyond which it answers 429 {@code TooManyRequestsException} (token bucket, burst of one second);
         * 0 = unlimited. Default: 20.
         */
        public Builder ssoRps(double rps) {
            if (!(rps >= 0 && Double.isFinite(rps))) {
                throw new IllegalArgumentException("the portal rate must be a finite number of requests per second >= 0, not " + rps);
            }
            this.ssoRps = rps;
            return this;
        }

        /**
         * {@code ACCOUNT:REGION} pairs whose AssumeRole calls (for a role of ACCOUNT, signed for REGION) are
         * answered 403 {@code RegionDisabledException}, as AWS answers for a Region the account has not enabled.
         * Default: none.
         */
        public Builder disabledRegions(java.util.Collection<String> pairs) {
            java.util.Set<String> set = new java.util.LinkedHashSet<>();
            for (String p : pairs) {
                if (p == null || !p.matches("\\d{12}:[a-z0-9-]{1,32}")) {
                    throw new IllegalArgumentException("a disabled region is ACCOUNT:REGION (12 digits, a region name), not '" + p + "'");
                }
                set.add(p);
            }
            this.disabledRegions = set;
            return this;
        }

        /** The IAM world served. Default: {@link SandboxModel#demo()}. */
        public Builder model(SandboxModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The port on 127.0.0.1. Default: 0, a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /** The sandbox's notion of now: expiry, MFA codes, request-time skew. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Shrinks issued lifetimes: with 0.01 a one-hour session lasts 36 s and its Expiration says so.
         * Requested durations are still validated unscaled. Default: 1.0.
         */
        public Builder durationScale(double scale) {
            if (!(scale > 0 && scale <= 1)) {
                throw new IllegalArgumentException("duration scale must be > 0 and <= 1, not " + scale);
            }
            this.durationScale = scale;
            return this;
        }

        /** A fixed delay before every STS or federation answer. Default: {@link Duration#ZERO}. */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, not " + latency);
            }
            this.latency = latency;
            return this;
        }

        /**
         * Requests per second per region (the region each request is signed for, as AWS's quota is per Region)
         * before answering 400 Throttling "Rate exceeded" (token bucket). Default: 0, unlimited.
         */
        public Builder throttleRps(double rps) {
            if (!(rps >= 0 && Double.isFinite(rps))) {
                throw new IllegalArgumentException("throttle must be a finite number of requests per second >= 0, not " + rps);
            }
            this.throttleRps = rps;
            return this;
        }

        /** The share of requests answered HTTP 500 InternalFailure, 0 to 1. Default: 0. */
        public Builder errorRate(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("error rate must be 0 to 1, not " + share);
            }
            this.errorRate = share;
            return this;
        }

        /** Binds 127.0.0.1 and starts serving. @throws java.io.UncheckedIOException if the port cannot be bound */
        public StsSandbox start() {
            return new StsSandbox(this);
        }
    }
}
