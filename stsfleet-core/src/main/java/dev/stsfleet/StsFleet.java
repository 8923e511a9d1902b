package dev.stsfleet;

import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileFiles;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.profile.SamlProfile;
import dev.stsfleet.refresh.Expiring;
import dev.stsfleet.refresh.RefreshListener;
import dev.stsfleet.refresh.RefreshPolicy;
import dev.stsfleet.refresh.Refresher;
import dev.stsfleet.refresh.Snapshot;
import dev.stsfleet.sts.AssumedRole;
import dev.stsfleet.sts.EndpointUrl;
import dev.stsfleet.sts.StsGateway;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Temporary credentials in bulk: one session token (one MFA code) for the source IAM user, then
 * AssumeRole for every selected role profile, concurrently, each profile ending as credentials or a
 * typed failure.
 *
 * <p>Thread-safe. The fleet owns one STS client (with its HTTP connection pool) and one worker pool;
 * {@link #close()} shuts both down and waits for the workers. It keeps the current session token and
 * the newest credentials of every profile in memory only.
 *
 * <p><b>Extended use.</b> When {@link #generateCredentials} succeeds for roles whose credentials end
 * before the fleet's session token does (e.g. {@code sessionToken(Duration.ofHours(5), code)}: AWS caps
 * role sessions made with it at one hour), the fleet starts refreshing those roles in the background by
 * itself, until the session token ends, with no new MFA code. One refresher per fleet, with one
 * scheduler thread and a bounded worker pool named {@code stsfleet-refresh-N}; {@link #close()} stops
 * and joins them. Each set is renewed at a jittered advisory instant well before it expires (for an
 * hour-long set 10 to 15 minutes before; proportionally less for short sets), at most
 * {@link Builder#refreshRate} calls per second, with the same STS retries as bulk calls; failures are
 * retried with capped, jittered backoff while the old set lasts, except {@code AccessDenied} and an
 * expired session ({@code ExpiredToken}), which stop that profile at once. {@link #currentCredentials()}
 * and {@link #credentialsProvider} always return the newest set without waiting for a refresh; the
 * builder's {@link Builder#listener} hears refreshes, failures, expiries, cycles, the session's coming
 * end and the end of the lifetime. {@link #renewSession(String)} extends everything with a new session
 * token. Progress is logged at info ("refresh cycle 2 of 5: ...").
 *
 * <pre>{@code
 * try (StsFleet fleet = StsFleet.builder().sourceProfile("alice").build()) {
 *     fleet.sessionToken(Duration.ofHours(8), "123456");
 *     FleetResult result = fleet.generateCredentials(fleet.roleProfiles().keySet());
 * }
 * }</pre>
 */
public final class StsFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StsFleet.class);

    /** The default number of concurrent STS calls of a bulk call. */
    public static final int DEFAULT_CONCURRENCY = 64;
    /** The default reaction to STS throttling of the fleet's calls (chosen by measurement, see BENCHMARKS.md). */
    public static final ThrottleControl DEFAULT_THROTTLE_CONTROL = ThrottleControl.AIMD;
    public static final Duration MIN_LIFETIME = Duration.ofMinutes(15);
    public static final Duration MAX_LIFETIME = Duration.ofHours(36);
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    /** AWS caps a role session assumed with temporary credentials (role chaining) at one hour. */
    static final int CHAINED_MAX_SECONDS = 3600;
    static final int DEFAULT_ROLE_SECONDS = 3600;
    /** The default limit of background refresh calls per second, well under STS's per-account quota. */
    public static final double DEFAULT_REFRESH_RATE = 50;
    public static final Duration DEFAULT_SESSION_ENDING_NOTICE = Duration.ofMinutes(15);
    /** Refresh failures not worth a retry: the role refuses us, or the session is over. */
    /** Refresh failures no retry can mend: the session or the role is gone (static stability serves what is valid). */
    private static final Set<String> FINAL_REFRESH_CODES = Set.of("AccessDenied", "ExpiredToken", "MfaRequired",
            "InvalidClientTokenId", "SignatureDoesNotMatch");

    private static final Pattern MFA_CODE = Pattern.compile("\\d{6}");
    private static final Pattern SESSION_NAME_CHAR = Pattern.compile("[^\\w+=,.@-]");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String sourceProfile;
    private final String region;
    private final URI endpoint;
    private final Path configFile;
    private final Path credentialsFile;
    private final Clock clock;
    private final int concurrency;
    private final ThrottleControl throttleControl;
    private final OutputFormat format;
    private final ProfileCatalog catalog;
    private final List<String> profilesFileRoles;
    private final List<String> profilesFileSamlProfiles;
    private final StsGateway gateway;
    private final ThreadPoolExecutor pool;
    private final AtomicReference<SessionToken> session = new AtomicReference<>();
    private final CredentialStore store = new CredentialStore();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Every worker thread ever started, so close() can join them: no thread of ours outlives it. */
    private final Queue<Thread> workers = new ConcurrentLinkedQueue<>();
    private final FleetListener listener;
    private final Duration sessionEndingNotice;
    private final double refreshRate;
    private final RefreshPolicy refreshPolicy;
    /** The lifetime asked of the last session token, reused by {@link #renewSession}. */
    private volatile Duration sessionLifetime = DEFAULT_LIFETIME;
    /** The fleet's one refresher while one runs; replaced only once the previous one has stopped. */
    private final Object refreshLock = new Object();
    private volatile Refresher<String, RoleCredentials> refresher;

    private StsFleet(Builder b) {
        Map<String, String> env = b.environment;
        this.clock = b.clock;
        this.concurrency = b.concurrency;
        this.throttleControl = b.throttleControl;
        this.format = b.format;
        this.listener = b.listener;
        this.sessionEndingNotice = b.sessionEndingNotice;
        this.refreshRate = b.refreshRate;
        this.refreshPolicy = b.refreshPolicy;
        this.sourceProfile = firstNonBlank(b.sourceProfile, env.get("AWS_PROFILE"), "default");

        ProfileLocations files = ProfileLocations.resolve(b.configFile, b.credentialsFile, env);
        this.configFile = files.configFile();
        this.credentialsFile = files.credentialsFile();
        ProfileFile profiles = files.read();
        if (b.profilesFile != null) {
            // The file the user named wins over the default files where both define a profile.
            ProfileFile extra = ProfileFiles.readAny(b.profilesFile);
            ProfileCatalog own = ProfileCatalog.of(extra);
            this.profilesFileRoles = List.copyOf(own.roleProfiles().keySet());
            this.profilesFileSamlProfiles = List.copyOf(own.samlProfiles().keySet());
            profiles = ProfileFile.aggregator().addFile(extra).addFile(profiles).build();
        } else {
            this.profilesFileRoles = List.of();
            this.profilesFileSamlProfiles = List.of();
        }
        this.catalog = ProfileCatalog.of(profiles);
        LOG.debug("profiles: {} from {} and {}", catalog, configFile, credentialsFile);

        String regionFrom;
        if (b.region != null) {
            this.region = b.region;
            regionFrom = "the builder";
        } else if (blankToNull(env.get("AWS_REGION")) != null) {
            this.region = env.get("AWS_REGION").trim();
            regionFrom = "AWS_REGION";
        } else if (catalog.property(sourceProfile, "region").filter(s -> !s.isEmpty()).isPresent()) {
            this.region = catalog.property(sourceProfile, "region").orElseThrow();
            regionFrom = "profile " + sourceProfile;
        } else {
            this.region = "us-east-1";
            regionFrom = "the default";
        }
        String endpointFrom;
        if (b.endpoint != null) {
            this.endpoint = b.endpoint;
            endpointFrom = "the builder";
        } else if (blankToNull(env.get("AWS_ENDPOINT_URL_STS")) != null) {
            this.endpoint = parseEndpoint("AWS_ENDPOINT_URL_STS", env.get("AWS_ENDPOINT_URL_STS"));
            endpointFrom = "AWS_ENDPOINT_URL_STS";
        } else if (blankToNull(env.get("AWS_ENDPOINT_URL")) != null) {
            this.endpoint = parseEndpoint("AWS_ENDPOINT_URL", env.get("AWS_ENDPOINT_URL"));
            endpointFrom = "AWS_ENDPOINT_URL";
        } else {
            this.endpoint = null;
            endpointFrom = "the SDK's regional endpoint";
        }
        LOG.debug("source profile {}; region {} (from {}); endpoint {} (from {}); concurrency {}; throttle control {}; "
                + "format {}", sourceProfile, region, regionFrom, endpoint == null ? "-" : endpoint, endpointFrom,
                concurrency, throttleControl, format);

        this.gateway = StsGateway.builder()
                .region(region)
                .endpoint(endpoint)
                .maxConnections(concurrency)
                .throttleControl(throttleControl)
                .callTimeout(b.callTimeout)
                .clock(clock)
                .profileFile(profiles)
                .profileName(sourceProfile)
                .build();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "stsfleet-" + threads.incrementAndGet());
            t.setDaemon(true);
            workers.removeIf(w -> w.getState() == Thread.State.TERMINATED);
            workers.add(t);
            return t;
        };
        // Fixed size; idle workers time out so an idle fleet holds no threads.
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        this.pool.allowCoreThreadTimeOut(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The role profiles of any AWS-format file (config style with {@code [profile x]} sections, or
     * credentials style), keyed and sorted by name, chains resolved within that file.
     *
     * @throws InvalidInputException when the file is missing, unreadable or malformed
     */
    public static Map<String, RoleProfile> loadProfiles(Path file) {
        return ProfileCatalog.of(ProfileFiles.readAny(file)).roleProfiles();
    }

    /** The SAML-backed profiles of any AWS-format file, keyed and sorted by name (see {@link #samlProfiles()}). */
    public static Map<String, SamlProfile> loadSamlProfiles(Path file) {
        return ProfileCatalog.of(ProfileFiles.readAny(file)).samlProfiles();
    }

    /** Every role profile of the fleet's config and credentials files, keyed and sorted by name. */
    public Map<String, RoleProfile> roleProfiles() {
        return catalog.roleProfiles();
    }

    /**
     * Every SAML-backed profile ({@code x_stsfleet_saml_url}, see docs/PROFILES.md) of the fleet's files,
     * keyed and sorted by name. They are not role profiles: {@link #generateCredentials} does not assume them
     * (the IdP login needs a password the fleet does not hold); {@link #selection} validates them.
     */
    public Map<String, SamlProfile> samlProfiles() {
        return catalog.samlProfiles();
    }

    /**
     * Validates a selection of role profiles and SAML-backed profiles together: every problem of either
     * kind is reported at once, before any call.
     *
     * @throws InvalidInputException listing every problem of the selection
     */
    public ProfileCatalog.Selection selection(Collection<String> names) {
        return catalog.selection(names);
    }

    /** The SAML-backed profiles defined in the builder's {@code profilesFile}, by name; empty without one. */
    public List<String> profilesFileSamlProfiles() {
        return profilesFileSamlProfiles;
    }

    /**
     * Validates a selection and returns its role profiles in request order.
     *
     * @throws InvalidInputException listing every problem of the selection
     */
    public List<RoleProfile> select(Collection<String> names) {
        return catalog.select(names);
    }

    /**
     * GetSessionToken for the source profile's IAM user, which becomes the fleet's current session.
     * With an MFA code, the device is the source profile's {@code mfa_serial}, else the {@code mfa_serial}
     * of the first role profile (by name) whose chain ends at the source profile.
     *
     * @param lifetime 15 minutes to 36 hours; {@code null} for one hour
     * @param mfaCode  six digits, or {@code null} for a session without MFA
     * @throws InvalidInputException before any call, for a bad lifetime, code or source profile
     * @throws StsCallException      when STS refuses
     */
    public SessionToken sessionToken(Duration lifetime, String mfaCode) {
        String serial = null;
        if (mfaCode != null) {
            serial = sourceMfaSerial().orElse(null);
            if (serial == null) {
                List<String> problems = new ArrayList<>(sessionProblems(lifetime, mfaCode));
                problems.add("an MFA code was given but neither profile " + sourceProfile
                        + " nor a role profile sourced from it has an mfa_serial");
                throw new InvalidInputException(problems);
            }
            LOG.debug("session token: MFA device from the profiles (mfa_serial)");
        }
        return sessionToken(lifetime, serial, mfaCode);
    }

    /**
     * GetSessionToken with an explicit MFA device; see {@link #sessionToken(Duration, String)}.
     *
     * @param mfaSerial the MFA device (ARN or serial), or {@code null} without MFA (then the code must be
     *                  {@code null} too)
     */
    public SessionToken sessionToken(Duration lifetime, String mfaSerial, String mfaCode) {
        ensureOpen();
        List<String> problems = new ArrayList<>(sessionProblems(lifetime, mfaCode));
        if (mfaSerial != null && mfaSerial.isBlank()) {
            problems.add("the MFA device serial is empty");
        }
        if (mfaSerial != null && mfaCode == null) {
            problems.add("an MFA device was given without an MFA code");
        }
        if (mfaSerial == null && mfaCode != null) {
            problems.add("an MFA code was given without an MFA device");
        }
        problems.addAll(sourceProblems());
        Optional<AwsCredentials> keys = catalog.keys(sourceProfile);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        Duration life = lifetime == null ? DEFAULT_LIFETIME : lifetime;
        LOG.debug("profile {}: GetSessionToken for {} {}", sourceProfile, life,
                mfaSerial == null ? "without MFA" : "with MFA device " + mfaSerial);
        SessionToken token = gateway.getSessionToken(keys.orElseThrow(), sourceProfile, life, mfaSerial, mfaCode);
        session.set(token);
        sessionLifetime = life;
        LOG.debug("profile {}: session token {} is now the fleet's session", sourceProfile, token);
        return token;
    }

    /**
     * The MFA device of the source profile's user: the source profile's {@code mfa_serial}, else the
     * {@code mfa_serial} of the first role profile (by name) whose chain ends at the source profile.
     */
    public Optional<String> sourceMfaSerial() {
        return catalog.property(sourceProfile, "mfa_serial").filter(s -> !s.isEmpty())
                .or(() -> catalog.roleProfiles().values().stream()
                        .filter(r -> sourceProfile.equals(r.credentialSource()) && r.mfaSerial() != null)
                        .map(RoleProfile::mfaSerial)
                        .findFirst());
    }

    /** The role profiles defined in the builder's {@code profilesFile}, by name; empty without one. */
    public List<String> profilesFileRoles() {
        return profilesFileRoles;
    }

    /**
     * Adopts a session token made earlier (by another process, read from a cache) as the fleet's current
     * session, so roles are assumed with it and no new MFA code is needed while it lasts.
     *
     * @throws InvalidInputException when the token belongs to another source profile or has expired
     */
    public void useSession(SessionToken token) {
        ensureOpen();
        Objects.requireNonNull(token, "token");
        if (!token.sourceProfile().equals(sourceProfile)) {
            throw new InvalidInputException("the session token belongs to profile " + token.sourceProfile()
                    + ", not to the fleet's source profile " + sourceProfile);
        }
        if (token.credentials().isExpiredAt(clock.instant())) {
            throw new InvalidInputException("the session token of profile " + sourceProfile + " expired at "
                    + TemporaryCredentials.isoUtc(token.end()));
        }
        session.set(token);
        LOG.debug("profile {}: adopted session token {}", sourceProfile, token);
    }

    /** The session token made last by {@link #sessionToken}, if any (it may have expired since). */
    public Optional<SessionToken> currentSession() {
        return Optional.ofNullable(session.get());
    }

    /** Like {@link #generateCredentials(Collection, ProgressListener)} without a listener. */
    public FleetResult generateCredentials(Collection<String> profiles) {
        return generateCredentials(profiles, ProgressListener.NONE);
    }

    /**
     * Assumes the role of every named profile, concurrently, and returns one entry per profile keyed
     * {@code sts-<profile>} in request order. The selection is validated first; then every profile ends
     * as credentials or a failure, and one failure never loses the others.
     *
     * <p>A role whose chain ends at the current session's source profile is assumed with the session
     * (one MFA code serves every role; AWS then caps the role session at one hour, so longer durations
     * are clamped). Otherwise the chain source's long-term keys sign the call, and a role that needs MFA
     * fails with code {@code MfaRequired}: an MFA code is single-use, so make a session token first.
     * A role sourced from another role assumes that role first (once per call, shared).
     *
     * @throws InvalidInputException before any STS call, listing every problem of the selection
     */
    public FleetResult generateCredentials(Collection<String> profiles, ProgressListener listener) {
        ensureOpen();
        Objects.requireNonNull(listener, "listener");
        List<RoleProfile> roles = catalog.select(profiles);
        long t0 = System.nanoTime();
        Run run = new Run(usableSession(), listener, roles.size());
        List<Future<ProfileResult>> futures = new ArrayList<>(roles.size());
        for (RoleProfile role : roles) {
            futures.add(pool.submit(() -> run.finish(role)));
        }
        Map<String, ProfileResult> results = new LinkedHashMap<>();
        for (int i = 0; i < roles.size(); i++) {
            RoleProfile role = roles.get(i);
            ProfileResult result;
            try {
                result = futures.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                throw new StsFleetException("interrupted while generating credentials");
            } catch (ExecutionException e) {
                // run.finish catches everything; this is a bug, but still an entry, not a lost profile.
                result = new ProfileResult.Failed(role.name(), role.roleArn(), "ClientError",
                        String.valueOf(e.getCause()));
            }
            results.put(FleetResult.keyOf(role.name()), result);
        }
        FleetResult result = new FleetResult(results, Duration.ofNanos(System.nanoTime() - t0), format);
        LOG.debug("generated {}", result);
        keepFresh(result.credentials().values(), run.session);
        return result;
    }

    /**
     * An SDK credentials provider that always returns the fleet's newest credentials for a role profile.
     * Resolving fails with {@link StsFleetException} while the fleet has none for it, or after they expired.
     *
     * @throws InvalidInputException when {@code profile} is not a role profile of the fleet
     */
    public AwsCredentialsProvider credentialsProvider(String profile) {
        // Follows refreshes: every resolve reads the newest set (see FleetCredentialsProvider).
        if (!catalog.isRoleProfile(profile)) {
            catalog.select(List.of(profile)); // throws with the reason and a suggestion
            throw new InvalidInputException("profile " + profile + " is not a role profile");
        }
        return new FleetCredentialsProvider(profile);
    }

    /**
     * The newest credentials of every profile this fleet has generated or refreshed, keyed
     * {@code sts-<profile>}: a lock-free snapshot that never waits for a refresh in flight.
     */
    public Map<String, RoleCredentials> currentCredentials() {
        return store.snapshot();
    }

    /** The newest credentials of one profile, if the fleet has generated any. */
    public Optional<RoleCredentials> currentCredentials(String profile) {
        return store.get(profile);
    }

    /** GetCallerIdentity with the given credentials, e.g. to check what a generated set names. */
    public CallerIdentity callerIdentity(TemporaryCredentials credentials) {
        ensureOpen();
        return gateway.getCallerIdentity(credentials.toSdkCredentials());
    }

    // ---------------------------------------------------------------------------------------------
    // Background refresh (extended use).

    /**
     * Renews the fleet's session token with a new MFA code (same device, same lifetime as the last
     * {@link #sessionToken} call) and extends background refresh to the new session's end, keeping
     * every role set: refreshes from now on are signed with the new session, and profiles stopped by an
     * expired session get a new attempt at once. Once refresh has stopped at the end of the old
     * lifetime, call {@link #generateCredentials} again instead.
     *
     * @param mfaCode six digits, or {@code null} when the session was made without MFA
     * @throws IllegalStateException when the fleet has no session token to renew
     * @throws InvalidInputException before any call, for a bad code
     * @throws StsCallException      when STS refuses
     */
    public SessionToken renewSession(String mfaCode) {
        ensureOpen();
        SessionToken old = session.get();
        if (old == null) {
            throw new IllegalStateException("there is no session token to renew: make one with sessionToken first");
        }
        SessionToken fresh = sessionToken(sessionLifetime, old.mfaSerial(), mfaCode);
        synchronized (refreshLock) {
            Refresher<String, RoleCredentials> r = refresher;
            if (r != null && !r.isStopped() && r.end().map(end -> fresh.end().isAfter(end)).orElse(false)) {
                r.extend(fresh.end());
                LOG.info("session renewed: refreshing {} role sets until {}", r.currentAll().size(),
                        TemporaryCredentials.isoUtc(fresh.end()));
            }
        }
        return fresh;
    }

    /** Starts (or widens) background refresh for sets that end before the session does. */
    private void keepFresh(Collection<RoleCredentials> generated, SessionToken usedSession) {
        if (usedSession == null || generated.isEmpty()) {
            return;
        }
        List<RoleCredentials> shortLived = generated.stream()
                .filter(c -> c.credentials().expiration().isBefore(usedSession.end()))
                .toList();
        if (shortLived.isEmpty()) {
            LOG.debug("no background refresh: every role set lasts as long as the session token");
            return;
        }
        synchronized (refreshLock) {
            if (closed.get()) {
                return;
            }
            Refresher<String, RoleCredentials> r = refresher;
            if (r == null || r.isStopped()) {
                r = newRefresher(usedSession.end(), shortLived.get(0).credentials());
                refresher = r;
            } else if (r.end().map(end -> usedSession.end().isAfter(end)).orElse(false)) {
                r.extend(usedSession.end());
            }
            for (RoleCredentials c : shortLived) {
                r.register(c.profile(), new Expiring<>(c, c.credentials().start(), c.credentials().expiration()),
                        this::refreshRole);
            }
            LOG.info("refresh: keeping {} role sets fresh until the session ends at {} ({} left)",
                    r.currentAll().size(), TemporaryCredentials.isoUtc(usedSession.end()),
                    human(Duration.between(clock.instant(), usedSession.end())));
        }
    }

    private Refresher<String, RoleCredentials> newRefresher(Instant end, TemporaryCredentials sample) {
        // Backoff in proportion to the sets' lifetime: 1 s to 30 s for an hour-long set, less for the
        // sandbox's scaled seconds-long sets, so that retries still fit before they expire.
        long lifeMillis = Math.max(1000, Duration.between(sample.start(), sample.expiration()).toMillis());
        Duration base = Duration.ofMillis(Math.max(10, Math.min(1000, lifeMillis / 100)));
        Duration cap = Duration.ofMillis(Math.max(base.toMillis(), Math.min(30_000, lifeMillis / 20)));
        return Refresher.<String, RoleCredentials>builder()
                .clock(clock)
                .policy(refreshPolicy)
                .end(end)
                .sessionEndingNotice(sessionEndingNotice)
                .workers(concurrency)
                .rateLimit(refreshRate)
                .backoff(BackoffStrategy.exponentialDelayHalfJitter(base, cap))
                .nonRecoverable(StsFleet::finalRefreshFailure)
                // A refresh blocked in a socket read ignores interrupts; close() then aborts it by
                // closing the STS client, so there is no point in waiting long here.
                .closeTimeout(Duration.ofSeconds(2))
                .listener(new FleetRefreshListener())
                .build();
    }

    private static boolean finalRefreshFailure(Throwable failure) {
        return failure instanceof StsCallException e && FINAL_REFRESH_CODES.contains(e.code());
    }

    /** One refresh: AssumeRole again with the fleet's session as it is now (it may have been renewed). */
    private Expiring<RoleCredentials> refreshRole(String profile) {
        RoleProfile role = catalog.roleProfile(profile).orElseThrow(() -> new StsCallException("ClientError",
                "profile " + profile + " is not a role profile"));
        SessionToken s = session.get();
        if (s != null && s.credentials().isExpiredAt(clock.instant())) {
            // No call: STS would answer ExpiredToken, and only a new MFA code helps.
            throw new StsCallException("ExpiredToken", "the session token of profile " + s.sourceProfile()
                    + " expired at " + TemporaryCredentials.isoUtc(s.end()) + "; renew it with a new MFA code");
        }
        AssumedRole a = new Run(s, ProgressListener.NONE, 1).assume(role);
        RoleCredentials c = new RoleCredentials(role.name(), role.roleArn(), a.assumedRoleArn(), a.credentials());
        LOG.debug("profile {}: refreshed to {}", profile, c);
        return new Expiring<>(c, c.credentials().start(), c.credentials().expiration());
    }

    /** The fleet's own bookkeeping first (the store), then the user's listener. */
    private final class FleetRefreshListener implements RefreshListener<String, RoleCredentials> {
        @Override
        public void onRefreshed(String profile, Snapshot<RoleCredentials> snapshot) {
            store.offer(snapshot.value());
            listener.onRefreshed(snapshot.value());
        }

        @Override
        public void onRefreshFailed(String profile, Throwable cause, int attempt, Optional<Instant> nextAttempt) {
            StsCallException failure = cause instanceof StsCallException e ? e
                    : new StsCallException("ClientError", cause.getClass().getSimpleName() + ": " + cause.getMessage());
            listener.onRefreshFailed(profile, failure, attempt, nextAttempt);
        }

        @Override
        public void onExpired(String profile, Snapshot<RoleCredentials> last) {
            listener.onExpired(profile, last.value());
        }

        @Override
        public void onCycle(int cycle, int expected, int refreshed, Duration left) {
            listener.onCycle(cycle, expected, refreshed, left);
        }

        @Override
        public void onSessionEnding(Instant end, Duration left) {
            listener.onSessionEnding(end, left);
        }

        @Override
        public void onLifetimeEnded(Instant end) {
            listener.onLifetimeEnded(end);
        }
    }

    /**
     * The set to hand out for a profile: the newest one, unless it is inside its mandatory margin, when
     * a refresh is forced and awaited (bounded) first; the old set is still returned if that fails and it
     * has not expired.
     */
    private Optional<RoleCredentials> freshest(String profile) {
        Refresher<String, RoleCredentials> r = refresher;
        if (r != null && !r.isStopped()) {
            Optional<Snapshot<RoleCredentials>> snap = r.current(profile);
            if (snap.isPresent() && !snap.get().expired() && !snap.get().usable(clock.instant())) {
                try {
                    r.refreshNow(profile).get(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    LOG.debug("profile {}: refresh at the mandatory instant failed: {}", profile,
                            e.getClass().getSimpleName());
                }
            }
        }
        return store.get(profile);
    }

    /** The running refresher, if any: for tests that drive it on a moved clock. */
    Refresher<String, RoleCredentials> refresher() {
        return refresher;
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s >= 3600 ? (s / 3600) + "h " + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m " + (s % 60) + "s" : s + "s";
    }

    public OutputFormat format() {
        return format;
    }

    public String sourceProfile() {
        return sourceProfile;
    }

    public String region() {
        return region;
    }

    /** The STS endpoint in use, or empty for the SDK's regional endpoint. */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public int concurrency() {
        return concurrency;
    }

    public ThrottleControl throttleControl() {
        return throttleControl;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Stops background refresh (interrupting refreshes in flight), stops the workers (waiting for running
     * bulk calls to end), closes the STS client, and joins every thread of the fleet: afterwards no
     * {@code stsfleet-} thread is alive. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Refresher<String, RoleCredentials> r;
        synchronized (refreshLock) {
            r = refresher;
        }
        if (r != null) {
            r.close();
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        workers.clear();
        // Closing the client aborts a refresh blocked in a socket read that ignored the interrupt.
        gateway.close();
        if (r != null) {
            try {
                if (!r.awaitTermination(Duration.ofSeconds(10))) {
                    LOG.warn("a refresh thread is still alive after close");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.debug("fleet closed");
    }

    @Override
    public String toString() {
        return "StsFleet[sourceProfile=" + sourceProfile + ", region=" + region + ", concurrency=" + concurrency
                + ", format=" + format + ", session=" + session.get() + "]";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this StsFleet is closed");
        }
    }

    private SessionToken usableSession() {
        SessionToken s = session.get();
        if (s != null && s.credentials().isExpiredAt(clock.instant())) {
            LOG.debug("the session token of profile {} expired at {}: roles use long-term keys", s.sourceProfile(),
                    TemporaryCredentials.isoUtc(s.end()));
            return null;
        }
        return s;
    }

    /**
     * Checks, without any call, what {@link #sessionToken} would refuse: a lifetime out of range, a
     * code that is not six digits, a source profile without long-term keys. Commands call it before
     * prompting for an MFA code, so nobody types a code for a request that cannot work.
     *
     * @param lifetime the session lifetime, or {@code null} for the default
     * @param mfaCode  the code, or {@code null} when it is not known yet
     * @throws InvalidInputException listing every problem
     */
    public void checkSessionRequest(Duration lifetime, String mfaCode) {
        List<String> problems = new ArrayList<>(sessionProblems(lifetime, mfaCode));
        problems.addAll(sourceProblems());
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private List<String> sourceProblems() {
        if (!catalog.contains(sourceProfile)) {
            return List.of("source profile " + sourceProfile + " does not exist in " + configFile + " or "
                    + credentialsFile);
        } else if (catalog.isRoleProfile(sourceProfile)) {
            return List.of("source profile " + sourceProfile
                    + " is a role profile; GetSessionToken needs an IAM user's long-term keys");
        } else if (catalog.keys(sourceProfile).isEmpty()) {
            return List.of("source profile " + sourceProfile
                    + " has no long-term keys (aws_access_key_id and aws_secret_access_key)");
        }
        return List.of();
    }

    private static List<String> sessionProblems(Duration lifetime, String mfaCode) {
        List<String> problems = new ArrayList<>();
        if (lifetime != null && (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0)) {
            problems.add("session lifetime " + lifetime.toMinutes() + " minutes is outside 15 minutes to 36 hours");
        }
        if (mfaCode != null && !MFA_CODE.matcher(mfaCode).matches()) {
            // Never echo the code: it is a secret while it is valid.
            problems.add("the MFA code must be exactly 6 digits");
        }
        return problems;
    }

    /** A valid session name: the user (or profile), sanitised, plus a short random suffix. */
    static String sessionName(String user) {
        String base = user == null ? "" : SESSION_NAME_CHAR.matcher(user).replaceAll("-");
        if (base.isEmpty()) {
            base = "stsfleet";
        }
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String tail = "-" + HexFormat.of().formatHex(suffix);
        return (base.length() > 64 - tail.length() ? base.substring(0, 64 - tail.length()) : base) + tail;
    }

    /** The user name in an IAM ARN ({@code arn:aws:iam::1:mfa/alice} or {@code ...:user/alice}), if any. */
    static String userOf(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        int slash = arn.lastIndexOf('/');
        return slash < 0 || slash == arn.length() - 1 ? null : arn.substring(slash + 1);
    }

    /** One bulk call: its session, its shared intermediate roles, its progress. */
    private final class Run {
        private final SessionToken session;
        private final ProgressListener listener;
        private final int total;
        private final Map<String, FutureTask<AssumedRole>> assumed = new ConcurrentHashMap<>();
        private final Object progressLock = new Object();
        private int done;

        Run(SessionToken session, ProgressListener listener, int total) {
            this.session = session;
            this.listener = listener;
            this.total = total;
        }

        ProfileResult finish(RoleProfile role) {
            ProfileResult result;
            try {
                AssumedRole a = assume(role);
                RoleCredentials credentials = new RoleCredentials(role.name(), role.roleArn(), a.assumedRoleArn(),
                        a.credentials());
                store.offer(credentials);
                result = new ProfileResult.Succeeded(credentials);
                LOG.debug("profile {}: got {}", role.name(), credentials);
            } catch (StsCallException e) {
                result = new ProfileResult.Failed(role.name(), role.roleArn(), e.code(), messageOf(e));
                LOG.debug("profile {}: failed with {}", role.name(), e.code());
            } catch (RuntimeException e) {
                result = new ProfileResult.Failed(role.name(), role.roleArn(), "ClientError",
                        e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.debug("profile {}: failed with {}", role.name(), e.getClass().getSimpleName());
            }
            synchronized (progressLock) {
                done++;
                try {
                    listener.finished(result, done, total);
                } catch (RuntimeException e) {
                    LOG.warn("a progress listener threw {}; ignored", e.getClass().getName());
                }
            }
            return result;
        }

        /**
         * The role's credentials, assumed at most once per run: the first caller assumes it in its own
         * thread, later callers wait for that result. No worker waits for a task queued behind it, so a
         * bounded pool cannot deadlock on shared intermediate roles.
         */
        private AssumedRole assume(RoleProfile role) {
            FutureTask<AssumedRole> task = new FutureTask<>(() -> assumeNow(role));
            FutureTask<AssumedRole> existing = assumed.putIfAbsent(role.name(), task);
            if (existing == null) {
                task.run();
                existing = task;
            }
            try {
                return existing.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StsFleetException("interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new StsFleetException(String.valueOf(e.getCause()));
            }
        }

        /** The user name a session name starts with: from an MFA device ARN if known, else the source profile. */
        private String userFor(RoleProfile role) {
            String user = null;
            if (session != null && session.sourceProfile().equals(role.credentialSource())) {
                user = userOf(session.mfaSerial());
            }
            if (user == null) {
                user = userOf(role.mfaSerial());
            }
            return user != null ? user : role.credentialSource();
        }

        private AssumedRole assumeNow(RoleProfile role) {
            String name = role.name();
            AwsCredentials caller;
            boolean chained;
            RoleProfile parent = role.sourceProfile() == null || role.sourceProfile().equals(name)
                    ? null : catalog.roleProfile(role.sourceProfile()).orElse(null);
            if (parent != null) {
                AssumedRole p;
                try {
                    LOG.debug("profile {}: its source is role profile {}, assumed first", name, parent.name());
                    p = assume(parent);
                } catch (StsCallException e) {
                    throw new StsCallException(e.code(), "source role profile " + parent.name() + ": "
                            + messageOf(e));
                }
                caller = p.credentials().toSdkCredentials();
                chained = true;
                LOG.debug("profile {}: AssumeRole with the credentials of role profile {}", name, parent.name());
            } else if (session != null && session.sourceProfile().equals(role.credentialSource())) {
                caller = session.credentials().toSdkCredentials();
                chained = true;
                LOG.debug("profile {}: AssumeRole with the {} session of profile {}", name,
                        session.withMfa() ? "MFA" : "non-MFA", session.sourceProfile());
            } else {
                if (role.requiresMfa()) {
                    LOG.debug("profile {}: needs MFA and there is no session token for profile {}", name,
                            role.credentialSource());
                    throw new StsCallException("MfaRequired", "profile " + name + " needs MFA (mfa_serial "
                            + role.mfaSerial() + ") but there is no session token for its source profile "
                            + role.credentialSource() + "; an MFA code is single-use and cannot serve several "
                            + "AssumeRole calls, so make a session token with the code first");
                }
                caller = catalog.keys(role.credentialSource()).orElseThrow(() -> new StsCallException(
                        "ClientError", "source profile " + role.credentialSource() + " has no long-term keys"));
                chained = false;
                LOG.debug("profile {}: AssumeRole with the long-term keys of profile {}", name,
                        role.credentialSource());
            }
            int duration = role.durationSeconds() == null ? DEFAULT_ROLE_SECONDS : role.durationSeconds();
            if (chained && duration > CHAINED_MAX_SECONDS) {
                LOG.debug("profile {}: duration_seconds {} clamped to {} (AWS caps role chaining at one hour)",
                        name, duration, CHAINED_MAX_SECONDS);
                duration = CHAINED_MAX_SECONDS;
            }
            String sessionName = role.roleSessionName() != null ? role.roleSessionName() : sessionName(userFor(role));
            LOG.debug("profile {}: AssumeRole {} as session {} for {} s{}", name, role.roleArn(), sessionName,
                    duration, role.externalId() == null ? "" : " with an external id");
            return gateway.assumeRole(caller, role.roleArn(), sessionName, duration, role.externalId());
        }
    }

    /** The message part of an StsCallException, without the code prefix the exception adds. */
    private static String messageOf(StsCallException e) {
        String m = e.getMessage();
        String prefix = e.code() + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
    }

    /** Reads the fleet's store on every call, so SDK clients always sign with the newest set. */
    private final class FleetCredentialsProvider implements AwsCredentialsProvider {
        private final String profile;

        FleetCredentialsProvider(String profile) {
            this.profile = profile;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            RoleCredentials c = freshest(profile).orElseThrow(() -> new StsFleetException(
                    "no credentials for profile " + profile + " yet: generate them first (generateCredentials)"));
            if (c.credentials().isExpiredAt(clock.instant())) {
                throw new StsFleetException("the credentials of profile " + profile + " expired at "
                        + TemporaryCredentials.isoUtc(c.credentials().expiration()) + "; generate them again");
            }
            return c.credentials().toSdkCredentials();
        }

        @Override
        public String toString() {
            return "StsFleetCredentialsProvider[profile=" + profile + "]";
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }


    private static URI parseEndpoint(String variable, String value) {
        return EndpointUrl.parse(variable, value);
    }

    /** Configures a fleet. Not thread-safe; build once. */
    public static final class Builder {
        private String sourceProfile;
        private String region;
        private URI endpoint;
        private Path configFile;
        private Path credentialsFile;
        private Path profilesFile;
        private Clock clock = Clock.systemUTC();
        private int concurrency = DEFAULT_CONCURRENCY;
        private ThrottleControl throttleControl = DEFAULT_THROTTLE_CONTROL;
        private Duration callTimeout = StsGateway.DEFAULT_CALL_TIMEOUT;
        private OutputFormat format = OutputFormat.VAULT;
        private Map<String, String> environment = System.getenv();
        private FleetListener listener = FleetListener.NONE;
        private Duration sessionEndingNotice = DEFAULT_SESSION_ENDING_NOTICE;
        private double refreshRate = DEFAULT_REFRESH_RATE;
        private RefreshPolicy refreshPolicy = RefreshPolicy.standard();

        private Builder() {
        }

        /** The profile with the IAM user's long-term keys. Default: {@code AWS_PROFILE}, else {@code default}. */
        public Builder sourceProfile(String sourceProfile) {
            this.sourceProfile = sourceProfile;
            return this;
        }

        /**
         * The STS signing region. Default: {@code AWS_REGION}, else the source profile's {@code region},
         * else {@code us-east-1}.
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * The STS endpoint. Default: {@code AWS_ENDPOINT_URL_STS}, else {@code AWS_ENDPOINT_URL}, else the
         * SDK's regional endpoint.
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * The AWS config file; it must exist when given. Default: {@code AWS_CONFIG_FILE}, else
         * {@code ~/.aws/config} (which may be absent).
         */
        public Builder configFile(Path configFile) {
            this.configFile = configFile;
            return this;
        }

        /**
         * The AWS credentials file; it must exist when given. Default: {@code AWS_SHARED_CREDENTIALS_FILE},
         * else {@code ~/.aws/credentials} (which may be absent).
         */
        public Builder credentialsFile(Path credentialsFile) {
            this.credentialsFile = credentialsFile;
            return this;
        }

        /**
         * An extra file of profiles in any AWS format (config style with {@code [profile x]} sections, or
         * credentials style), read on top of the config and credentials files; where both define a
         * profile, this file wins. Its role profiles are listed by {@link #profilesFileRoles()}.
         * Default: none.
         */
        public Builder profilesFile(Path profilesFile) {
            this.profilesFile = profilesFile;
            return this;
        }

        /** The clock for start times and expiry checks. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The number of concurrent STS calls (and HTTP connections), 1 to 1024; with {@link ThrottleControl#AIMD} the ceiling of its limit. Default: 64 ({@link #DEFAULT_CONCURRENCY}). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new InvalidInputException("concurrency must be 1 to 1024, not " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * How the fleet's STS calls react to throttling beyond retrying it (bulk calls, refresh and the
         * session token alike); with {@link ThrottleControl#AIMD} the limit's ceiling is the concurrency.
         * Default: {@link ThrottleControl#AIMD} ({@link #DEFAULT_THROTTLE_CONTROL}).
         */
        public Builder throttleControl(ThrottleControl throttleControl) {
            this.throttleControl = Objects.requireNonNull(throttleControl, "throttleControl");
            return this;
        }

        /** The deadline of each STS call, retries included. Default: 30 seconds. */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
            return this;
        }

        /** The shape of {@link FleetResult#view()}. Default: {@link OutputFormat#VAULT}. */
        public Builder format(OutputFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * The environment variables the fleet reads ({@code AWS_PROFILE}, {@code AWS_REGION},
         * {@code AWS_ENDPOINT_URL_STS}, {@code AWS_ENDPOINT_URL}, {@code AWS_CONFIG_FILE},
         * {@code AWS_SHARED_CREDENTIALS_FILE}, {@code HOME}). Default: {@link System#getenv()}.
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Hears background refresh: refreshed, refresh failed, expired, cycle, session ending, lifetime
         * ended. One listener; to have several, compose them. Default: {@link FleetListener#NONE}.
         */
        public Builder listener(FleetListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How long before the session token ends {@link FleetListener#onSessionEnding} fires, so someone
         * can {@link StsFleet#renewSession(String)} in time. Default: 15 minutes.
         */
        public Builder sessionEndingNotice(Duration sessionEndingNotice) {
            if (sessionEndingNotice == null || sessionEndingNotice.isNegative()) {
                throw new InvalidInputException("the session-ending notice must be zero or more");
            }
            this.sessionEndingNotice = sessionEndingNotice;
            return this;
        }

        /**
         * At most this many background refresh calls per second for the whole fleet (on top of the STS
         * retries every call has), so a thousand roles renewing together stay under STS throttling.
         * Default: 50.
         */
        public Builder refreshRate(double callsPerSecond) {
            if (!(callsPerSecond > 0) || Double.isInfinite(callsPerSecond)) {
                throw new InvalidInputException("the refresh rate must be a positive number of calls per second");
            }
            this.refreshRate = callsPerSecond;
            return this;
        }

        /** Tests only: refresh instants without jitter. Default: {@link RefreshPolicy#standard()}. */
        Builder refreshPolicy(RefreshPolicy refreshPolicy) {
            this.refreshPolicy = Objects.requireNonNull(refreshPolicy, "refreshPolicy");
            return this;
        }

        /**
         * Reads the profile files and creates the STS client and worker pool.
         *
         * @throws InvalidInputException when a named file is missing or a file is unreadable or malformed
         */
        public StsFleet build() {
            return new StsFleet(this);
        }
    }
}
