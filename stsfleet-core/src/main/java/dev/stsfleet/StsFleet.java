package dev.stsfleet;

import dev.stsfleet.bulk.BulkRunner;
import dev.stsfleet.profile.CredentialPlan;
import dev.stsfleet.profile.CredentialPlanner;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileFiles;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.profile.SamlProfile;
import dev.stsfleet.refresh.Expiring;
import dev.stsfleet.refresh.RefreshPolicy;
import dev.stsfleet.refresh.Refresher;
import dev.stsfleet.store.SessionTokenCache;
import dev.stsfleet.sts.AssumedRole;
import dev.stsfleet.sts.CallLimits;
import dev.stsfleet.sts.EndpointUrl;
import dev.stsfleet.sts.StsGateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Temporary credentials in bulk: every selected role profile resolves its own {@code source_profile} chain to a
 * root with long-term keys; every root whose roles need MFA gets ONE MFA session (from the session cache, or
 * one GetSessionToken with one code per device), and every role is then assumed concurrently, each ending as
 * credentials or a typed failure. {@link #plan} shows all of it before any call.
 *
 * <p>A facade over small parts: the {@link CredentialPlanner} decides sources, devices and sessions;
 * {@code RootSessions} holds, caches and adopts sessions; {@code RoleChain} assumes chains; the
 * {@link BulkRunner} runs every bulk call; {@code FleetRefresh} keeps sets fresh.
 *
 * <p>Thread-safe. The fleet owns one STS client (with its HTTP connection pool) and one worker pool;
 * {@link #close()} shuts both down and waits for the workers. It keeps sessions and the newest credentials of
 * every profile in memory; MFA sessions also go to the builder's {@link Builder#sessionCache}, if any.
 *
 * <p><b>Extended use.</b> When {@link #generateCredentials} succeeds for roles whose credentials end before
 * the session they were assumed with (e.g. {@code sessionToken(Duration.ofHours(5), code)}: AWS caps role
 * sessions made with it at one hour), the fleet refreshes those roles in the background by itself until that
 * session ends, with no new MFA code; {@link #keepFresh} does the same for a lifetime of its own. One refresher
 * per fleet, with one scheduler thread and a bounded worker pool named {@code stsfleet-refresh-N};
 * {@link #close()} stops and joins them. Each set is renewed at a jittered advisory instant well before it
 * expires; failures are retried with capped, jittered backoff while the old set lasts, except
 * {@code AccessDenied} and an expired session, which stop that profile at once. A newer MFA session that
 * another command stores in the session cache is adopted at the next refresh ({@link FleetListener#onSessionAdopted}).
 * {@link #currentCredentials()} and {@link #credentialsProvider} always return the newest set.
 *
 * <pre>{@code
 * try (StsFleet fleet = StsFleet.builder().mfaCode("123456").build()) {
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
    /** The default limit of background refresh calls per second, well under STS's per-account quota. */
    public static final double DEFAULT_REFRESH_RATE = 50;
    public static final Duration DEFAULT_SESSION_ENDING_NOTICE = Duration.ofMinutes(15);

    /** Refresh failures that stop a profile's refresh at once (no retry can mend them). */
    public static final Set<String> FINAL_REFRESH_CODES = FleetRefresh.FINAL_CODES;

    private static final Pattern MFA_CODE = Pattern.compile("\\d{6}");

    private final String sourceProfile;
    private final String region;
    private final URI endpoint;
    private final Path configFile;
    private final Path credentialsFile;
    private final Clock clock;
    private final int concurrency;
    private final ThrottleControl throttleControl;
    private final CallLimits limits;
    private final OutputFormat format;
    private final ProfileCatalog catalog;
    /** The profiles as read, for IAM Identity Center roots ({@link #ssoSources()}). */
    private final ProfileFile profileFile;
    private final Map<String, String> environment;
    private dev.stsfleet.sso.SsoSources ssoSources;
    private final List<String> profilesFileRoles;
    private final List<String> profilesFileSamlProfiles;
    private final StsGateway gateway;
    private final ThreadPoolExecutor pool;
    private final RootSessions sessions;
    /** The roots that are credentials sources of their own (web identity, credential_source, credential_process). */
    private final RootSources rootSources;
    private final CredentialStore store = new CredentialStore();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Every worker thread ever started, so close() can join them: no thread of ours outlives it. */
    private final Queue<Thread> workers = new ConcurrentLinkedQueue<>();
    private final FleetListener listener;
    private final FleetRefresh refresh;
    private final Duration sessionLifetime;
    private final MfaPrompt mfaPrompt;
    private final String mfaHint;
    /** The codes given and not used yet: a code is single-use. */
    private final AtomicReference<CredentialPlanner.Codes> codes;
    /** The end of {@link #keepFresh}'s lifetime: refresh is never extended past it. */
    private volatile Instant keepFreshUntil;
    /** What every AssumeRole of the fleet carries (source identity, session tags, session policies). */
    private final RequestOptions requestOptions;
    /** The lifetime asked of the last session token, reused by {@link #renewSession}. */
    private volatile Duration lastLifetime = DEFAULT_LIFETIME;

    private StsFleet(Builder b) {
        Map<String, String> env = b.environment;
        this.clock = b.clock;
        this.concurrency = b.concurrency;
        this.throttleControl = b.throttleControl;
        this.limits = b.limits;
        this.format = b.format;
        this.listener = b.listener;
        this.sessionLifetime = b.sessionLifetime;
        this.mfaPrompt = b.mfaPrompt;
        this.mfaHint = b.mfaHint;
        this.requestOptions = b.requestOptions;
        this.codes = new AtomicReference<>(new CredentialPlanner.Codes(b.mfaCodes, b.mfaCode, b.mfaPrompt != null,
                b.mfaHint));
        String explicitSource = firstNonBlank(b.sourceProfile, env.get("AWS_PROFILE"));

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
        this.catalog = catalog(profiles, explicitSource, env);
        profiles = catalog.profileFile();
        this.profileFile = profiles;
        this.environment = Map.copyOf(env);
        this.sourceProfile = explicitSource != null ? explicitSource : implicitSource(catalog);
        LOG.debug("profiles: {} from {} and {}", catalog, configFile, credentialsFile);

        String regionFrom;
        if (b.region != null) {
            this.region = b.region;
            regionFrom = "the builder";
        } else if (blankToNull(env.get("AWS_REGION")) != null) {
            this.region = env.get("AWS_REGION").trim();
            regionFrom = "AWS_REGION";
        } else if (blankToNull(env.get("AWS_DEFAULT_REGION")) != null) {
            this.region = env.get("AWS_DEFAULT_REGION").trim();
            regionFrom = "AWS_DEFAULT_REGION";
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
        LOG.debug("default source profile {}; region {} (from {}); endpoint {} (from {}); concurrency {}; "
                + "throttle control {}; format {}", explicitSource == null ? "-" : explicitSource, region, regionFrom,
                endpoint == null ? "-" : endpoint, endpointFrom, concurrency, throttleControl, format);

        this.gateway = StsGateway.builder()
                .region(region)
                .endpoint(endpoint)
                .maxConnections(concurrency)
                .throttleControl(throttleControl)
                .callLimits(b.limits)
                .clock(clock)
                .profileFile(profiles)
                .profileName(sourceProfile)
                .build();
        this.sessions = new RootSessions(catalog, gateway, clock, b.sessionCache,
                endpoint == null ? "aws" : endpoint.toString());
        this.rootSources = new RootSources(catalog, gateway, clock, env);
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
        this.refresh = new FleetRefresh(clock, b.refreshPolicy, b.sessionEndingNotice, concurrency, b.refreshRate,
                listener, store, this::refreshRole);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The catalog a fleet reads {@code profiles} as: roles that name no source are served by {@code explicitSource}
     * ({@code --profile}, {@code AWS_PROFILE}), else, when {@code AWS_WEB_IDENTITY_TOKEN_FILE} and
     * {@code AWS_ROLE_ARN} are set (CI systems, EKS), by that web identity (as the profile {@code env-web-identity}).
     */
    public static ProfileCatalog catalog(ProfileFile profiles, String explicitSource, Map<String, String> env) {
        if (explicitSource == null && EnvironmentWebIdentity.present(env)) {
            LOG.debug("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN set: roles that name no source use that web "
                    + "identity (as profile {})", EnvironmentWebIdentity.PROFILE);
            return ProfileCatalog.of(ProfileFile.aggregator().addFile(profiles)
                    .addFile(EnvironmentWebIdentity.profileFile(env)).build(), EnvironmentWebIdentity.PROFILE);
        }
        // --profile / AWS_PROFILE serves only roles that name no source of their own.
        return ProfileCatalog.of(profiles, explicitSource);
    }

    /**
     * The source of {@link #sessionToken} when none is named: {@code default} if it exists, else the one profile
     * with long-term keys when there is exactly one (a config without {@code [default]} and one IAM user).
     */
    private static String implicitSource(ProfileCatalog catalog) {
        if (catalog.contains("default")) {
            return "default";
        }
        List<String> withKeys = catalog.longTermKeyProfiles();
        if (withKeys.size() == 1) {
            LOG.debug("source profile {}: the one profile with long-term keys (no --profile, AWS_PROFILE or default)",
                    withKeys.get(0));
            return withKeys.get(0);
        }
        return "default";
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
     * keyed and sorted by name. {@link #generateCredentials(Collection, ProgressListener, Function)} assumes
     * them through the IdP logins it is given.
     */
    public Map<String, SamlProfile> samlProfiles() {
        return catalog.samlProfiles();
    }

    /** The fleet's profiles, as resolved (chains, the default source). */
    public ProfileCatalog catalog() {
        return catalog;
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

    /** The role profiles defined in the builder's {@code profilesFile}, by name; empty without one. */
    public List<String> profilesFileRoles() {
        return profilesFileRoles;
    }

    /**
     * Validates a selection and returns its role profiles in request order.
     *
     * @throws InvalidInputException listing every problem of the selection
     */
    public List<RoleProfile> select(Collection<String> names) {
        return catalog.select(names);
    }

    // ---------------------------------------------------------------------------------------------
    // The plan.

    /**
     * The plan of a bulk call for these profiles, as {@link #generateCredentials} would run it now (SAML-backed
     * profiles are validated and left out: their IdP login is the plan of their own): each
     * role's source and chain, each root's MFA device and session (cached, new with a given code, new with a
     * prompt), the number of calls. Makes no call and prompts for nothing.
     *
     * @throws InvalidInputException listing every problem of the selection and the MFA codes, including every
     *                               MFA device whose code is missing and cannot be asked for
     */
    public CredentialPlan plan(Collection<String> names) {
        return planFor(names, true, wantedEnd(null)).plan;
    }

    /** The plan of {@link #keepFresh}: sessions must last the whole lifetime. */
    public CredentialPlan plan(Collection<String> names, Duration lifetime) {
        checkLifetime(lifetime);
        return planFor(names, false, clock.instant().plus(lifetime)).plan;
    }

    private record Planned(CredentialPlan plan, List<RoleProfile> roles, List<SamlProfile> saml, List<String> order) {
    }

    private Planned planFor(Collection<String> names, boolean withSaml, Instant wantedEnd) {
        ensureOpen();
        // The request options' problems join every other problem of the request, before any call.
        List<String> optionProblems = requestOptions.problems();
        Planned planned;
        try {
            planned = planChecked(names, withSaml, wantedEnd);
        } catch (InvalidInputException e) {
            if (optionProblems.isEmpty()) {
                throw e;
            }
            List<String> all = new ArrayList<>(e.problems());
            all.addAll(optionProblems);
            throw new InvalidInputException(all);
        }
        optionProblems = new ArrayList<>(optionProblems);
        optionProblems.addAll(sourceIdentityProblems(planned.plan));
        if (!optionProblems.isEmpty()) {
            throw new InvalidInputException(optionProblems);
        }
        return planned;
    }

    /**
     * A source identity set on a root cannot change down its chains (AWS refuses it): a web identity root whose
     * token sets one, with a different one requested, is a problem before any call.
     */
    private List<String> sourceIdentityProblems(CredentialPlan plan) {
        String wanted = requestOptions.sourceIdentity();
        List<String> problems = new ArrayList<>();
        if (wanted == null) {
            return problems;
        }
        for (CredentialPlan.Source s : plan.sources()) {
            if (s.session() == CredentialPlan.Session.WEB_IDENTITY) {
                rootSources.tokenSourceIdentity(s.profile()).filter(set -> !set.equals(wanted)).ifPresent(set ->
                        problems.add(RootSources.describe(s.profile()) + ": its web identity token sets source identity "
                                + set + ", which AWS keeps down every chain from it; the requested source identity "
                                + wanted + " cannot replace it (leave it out, or ask for " + set + ")"));
            }
        }
        return problems;
    }

    private Planned planChecked(Collection<String> names, boolean withSaml, Instant wantedEnd) {
        CredentialPlanner.Codes given = codes.get();
        ProfileCatalog.Selection selection;
        try {
            selection = withSaml ? catalog.selection(names) : new ProfileCatalog.Selection(catalog.select(names), List.of());
        } catch (InvalidInputException e) {
            List<String> problems = new ArrayList<>(e.problems());
            try {
                CredentialPlanner.planSelected(catalog, List.of(), CredentialPlanner.Sessions.NONE, given);
            } catch (InvalidInputException codeProblems) {
                problems.addAll(codeProblems.problems());
            }
            throw new InvalidInputException(problems);
        }
        CredentialPlan plan = CredentialPlanner.planSelected(catalog, selection.roles(),
                (profile, device) -> sessions.usable(profile, device, wantedEnd).map(SessionToken::end), given);
        LOG.debug("plan: {} roles, {} sources, {} GetSessionToken, {} AssumeRole", plan.roles().size(),
                plan.sources().size(), plan.sessionTokenCalls(), plan.assumeRoleCalls());
        return new Planned(plan, selection.roles(), selection.saml(), List.copyOf(new java.util.LinkedHashSet<>(names)));
    }

    /** The end a reused session must reach: the builder's session lifetime when one was set, else none. */
    private Instant wantedEnd(Duration lifetime) {
        Duration d = lifetime != null ? lifetime : sessionLifetime;
        return d == null ? null : clock.instant().plus(d);
    }

    /**
     * Makes the plan's new MFA sessions: every code first (given, or asked for once per device), then one
     * GetSessionToken per root. A root whose session could not be made is returned with its failure, so its
     * roles fail with it and the others go on.
     */
    private Map<String, StsCallException> openSessions(CredentialPlan plan, Duration lifetime, boolean shared) {
        List<CredentialPlan.Source> fresh = plan.sources().stream().filter(CredentialPlan.Source::newSession).toList();
        if (fresh.isEmpty()) {
            return Map.of();
        }
        CredentialPlanner.Codes given = codes.get();
        Map<String, String> codeOf = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (CredentialPlan.Source s : fresh) {
            if (askedOnce(s, shared)) {
                continue; // asked for below, under the session cache's lock
            }
            String code = s.session() == CredentialPlan.Session.NEW_WITH_CODE
                    ? given.byDevice().getOrDefault(s.mfaSerial(), given.anyDevice())
                    : mfaPrompt.code(s.mfaSerial(), s.profile());
            if (code == null || !MFA_CODE.matcher(code.trim()).matches()) {
                problems.add("the MFA code for " + s.mfaSerial() + " must be exactly 6 digits");
            }
            codeOf.put(s.mfaSerial(), code == null ? null : code.trim());
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        // Single-use: the codes spent here are not offered again.
        codes.updateAndGet(c -> {
            Map<String, String> left = new HashMap<>(c.byDevice());
            codeOf.keySet().forEach(left::remove);
            return new CredentialPlanner.Codes(left, null, c.canPrompt(), c.hint());
        });
        Map<String, StsCallException> failed = new HashMap<>();
        for (CredentialPlan.Source s : fresh) {
            try {
                SessionToken token = askedOnce(s, shared)
                        ? sessions.makeOnce(s.profile(), s.mfaSerial(), () -> sessions.create(s.profile(), s.mfaSerial(),
                                promptedCode(s), lifetime))
                        : sessions.create(s.profile(), s.mfaSerial(), codeOf.get(s.mfaSerial()), lifetime);
                lastLifetime = lifetime;
                LOG.debug("profile {}: new MFA session until {}", s.profile(), TemporaryCredentials.isoUtc(token.end()));
            } catch (StsCallException e) {
                LOG.debug("profile {}: GetSessionToken with MFA failed: {}", s.profile(), e.code());
                failed.put(rootKey(s.profile(), s.mfaSerial()), e);
            }
        }
        return failed;
    }

    /**
     * Whether {@code s}'s code is asked for under the session cache's lock ({@link RootSessions#makeOnce}): a
     * prompted code, when any usable session will do ({@code shared}). A code given with the request asks for a
     * new session whatever is cached; a session for a {@link #keepFresh} lifetime, or one the builder gave a
     * lifetime, must reach its end, which a session another process made may not.
     */
    private static boolean askedOnce(CredentialPlan.Source s, boolean shared) {
        return shared && s.session() == CredentialPlan.Session.NEW_WITH_PROMPT;
    }

    /** The code typed at the prompt for {@code s}, checked (six digits) before any call. */
    private String promptedCode(CredentialPlan.Source s) {
        String code = mfaPrompt.code(s.mfaSerial(), s.profile());
        if (code == null || !MFA_CODE.matcher(code.trim()).matches()) {
            throw new InvalidInputException("the MFA code for " + s.mfaSerial() + " must be exactly 6 digits");
        }
        return code.trim();
    }

    /**
     * Gets the credentials of the plan's roots that are sources of their own (one AssumeRoleWithWebIdentity per web
     * identity root, one fetch per credential_source or credential_process) before any role is assumed; a root that
     * fails is returned with its failure, so its roles fail with it, with no call of theirs, and the others go on.
     */
    private Map<String, StsCallException> openSources(CredentialPlan plan) {
        Map<String, StsCallException> failed = new HashMap<>();
        for (CredentialPlan.Source s : plan.sources()) {
            // Identity Center roots are fetched by ssoSources() on first use (first()), not here.
            if (s.session().ownSource() && rootSources.serves(s.profile())) {
                try {
                    rootSources.current(s.profile());
                } catch (StsCallException e) {
                    LOG.debug("{}: its credentials could not be had: {}", RootSources.describe(s.profile()), e.code());
                    failed.put(s.profile(), e);
                }
            }
        }
        return failed;
    }

    private static String rootKey(String profile, String device) {
        return profile + "\n" + device;
    }

    // ---------------------------------------------------------------------------------------------
    // Sessions.

    /**
     * GetSessionToken for the source profile's IAM user ({@link Builder#sourceProfile}, else {@code AWS_PROFILE},
     * else {@code default}), which becomes the session of that root. With an MFA code, the device is the source
     * profile's {@code mfa_serial}, else the {@code mfa_serial} of the first role profile (by name) whose chain
     * ends at the source profile. An MFA session is also stored in the builder's session cache.
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
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        Duration life = lifetime == null ? DEFAULT_LIFETIME : lifetime;
        SessionToken token = sessions.create(sourceProfile, mfaSerial, mfaCode, life);
        lastLifetime = life;
        LOG.debug("profile {}: session token {} is now the session of its roles", sourceProfile, token);
        return token;
    }

    /**
     * The MFA device of the source profile's user: the source profile's {@code mfa_serial}, else the
     * {@code mfa_serial} of the first role profile (by name) whose chain ends at the source profile.
     */
    public Optional<String> sourceMfaSerial() {
        return mfaSerialOf(sourceProfile);
    }

    /**
     * The MFA device of a profile with long-term keys: its own {@code mfa_serial}, else the {@code mfa_serial}
     * of the first role profile (by name) whose chain ends at it.
     */
    public Optional<String> mfaSerialOf(String profile) {
        return catalog.property(profile, "mfa_serial").filter(s -> !s.isEmpty())
                .or(() -> catalog.roleProfiles().values().stream()
                        .filter(r -> profile.equals(r.credentialSource()) && r.mfaSerial() != null)
                        .map(RoleProfile::mfaSerial)
                        .findFirst());
    }

    /**
     * Adopts a session token made earlier (by another process, read from a cache) as the session of its root,
     * so roles of that root are assumed with it and no new MFA code is needed while it lasts.
     *
     * @throws InvalidInputException when the token has expired
     */
    public void useSession(SessionToken token) {
        ensureOpen();
        Objects.requireNonNull(token, "token");
        if (token.credentials().isExpiredAt(clock.instant())) {
            throw new InvalidInputException("the session token of profile " + token.sourceProfile() + " expired at "
                    + TemporaryCredentials.isoUtc(token.end()));
        }
        sessions.adopt(token);
        LOG.debug("profile {}: adopted session token {}", token.sourceProfile(), token);
    }

    /** The session made or adopted last, if any (it may have expired since). */
    public Optional<SessionToken> currentSession() {
        return sessions.last();
    }

    /**
     * A session of a root good for {@code lifetime} from now, as the fleet would use it: made or adopted by this
     * fleet, or found in the session cache.
     */
    public Optional<SessionToken> usableSession(String profile, String mfaSerial, Duration lifetime) {
        return sessions.usable(profile, mfaSerial, lifetime == null ? null : clock.instant().plus(lifetime));
    }

    // ---------------------------------------------------------------------------------------------
    // Bulk.

    /** Like {@link #generateCredentials(Collection, ProgressListener)} without a listener. */
    public FleetResult generateCredentials(Collection<String> profiles) {
        return generateCredentials(profiles, ProgressListener.NONE);
    }

    /**
     * Assumes the role of every named profile, concurrently, and returns one entry per profile keyed
     * {@code sts-<profile>} in request order. The selection is planned first ({@link #plan}): every problem is
     * an {@link InvalidInputException} before any call. Then each root that needs an MFA session gets one (cached,
     * or GetSessionToken with its code), and every profile ends as credentials or a failure; one failure never
     * loses the others. Roles assumed with a session are capped at one hour by AWS and refreshed in the
     * background until that session ends.
     *
     * @throws InvalidInputException before any STS call, listing every problem
     */
    public FleetResult generateCredentials(Collection<String> profiles, ProgressListener listener) {
        return generateCredentials(profiles, listener, null);
    }

    /**
     * {@link #generateCredentials(Collection, ProgressListener)} for role profiles and SAML-backed profiles
     * together, in one bulk run: each SAML-backed profile is assumed by {@code saml} (e.g. an IdP login shared by
     * every profile of that login).
     *
     * @param saml assumes one SAML-backed profile; {@code null} when none is selected
     */
    public FleetResult generateCredentials(Collection<String> profiles, ProgressListener listener,
                                           Function<SamlProfile, RoleCredentials> saml) {
        Objects.requireNonNull(listener, "listener");
        Duration lifetime = sessionLifetime != null ? sessionLifetime : DEFAULT_LIFETIME;
        Planned planned = planFor(profiles, saml != null, wantedEnd(null));
        // A session any process made serves, unless the builder asked for a session lifetime.
        FleetResult result = run(planned, saml, lifetime, sessionLifetime == null, listener);
        // Sets that end before their session are kept fresh until it ends.
        Instant end = planned.plan.sources().stream().filter(CredentialPlan.Source::withSession)
                .map(s -> sessions.usable(s.profile(), s.mfaSerial(), null).map(SessionToken::end).orElse(null))
                .filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
        if (end != null) {
            refresh.keepFresh(result.credentials().values(), end, false);
        }
        return result;
    }

    /**
     * Generates credentials for the named role profiles and keeps them fresh in the background for
     * {@code lifetime}: roots that need MFA get a session for the whole lifetime (a cached one that lasts it,
     * else a new one), roots with long-term keys refresh with them. A root whose cached session ends earlier
     * (no code given and none can be asked for) runs on it until it ends, or until a newer session is stored in
     * the session cache, which is adopted. Returns the first sets; refresh goes on until {@code lifetime} ends or
     * {@link #close()}.
     *
     * @throws InvalidInputException before any call, listing every problem
     */
    public FleetResult keepFresh(Collection<String> profiles, Duration lifetime, ProgressListener listener) {
        checkLifetime(lifetime);
        Instant end = clock.instant().plus(lifetime);
        Planned planned;
        try {
            planned = planFor(profiles, false, end);
        } catch (InvalidInputException e) {
            // No code and no prompt: a cached session that ends before the lifetime still serves until it ends.
            planned = planFor(profiles, false, null);
        }
        FleetResult result = run(planned, null, lifetime, false, listener);
        // Roots with long-term keys refresh for the whole lifetime; roots on a session until it ends (or a newer
        // one adopted from the cache ends), at most the lifetime.
        keepFreshUntil = end;
        // Roots that are sources of their own (web identity, credential_source, credential_process) renew by
        // themselves, as roots with long-term keys do.
        Instant until = planned.plan.sources().stream().anyMatch(s -> !s.withSession() || s.session().ownSource()) ? end
                : planned.plan.sources().stream()
                        .map(s -> sessions.usable(s.profile(), s.mfaSerial(), null).map(SessionToken::end).orElse(null))
                        .filter(Objects::nonNull).max(Instant::compareTo).filter(e -> e.isBefore(end)).orElse(end);
        // Every set is registered, even one that outlives the sessions' end: an adopted session extends the end.
        refresh.keepFresh(result.credentials().values(), until, true);
        return result;
    }

    private static void checkLifetime(Duration lifetime) {
        List<String> problems = sessionProblems(Objects.requireNonNull(lifetime, "lifetime"), null);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private FleetResult run(Planned planned, Function<SamlProfile, RoleCredentials> saml, Duration lifetime,
                            boolean sharedSessions, ProgressListener listener) {
        Map<String, StsCallException> failedRoots = openSessions(planned.plan, lifetime, sharedSessions);
        Map<String, StsCallException> failedSources = openSources(planned.plan);
        RoleChain chain = new RoleChain(catalog, gateway, (profile, device) -> {
            StsCallException failed = failedRoots.get(rootKey(profile, device));
            if (failed != null) {
                throw new StsCallException(failed.code(), "the MFA session of profile " + profile + " could not be "
                        + "made: " + RoleChain.messageOf(failed));
            }
            StsCallException sourceFailed = failedSources.get(profile);
            if (sourceFailed != null) {
                throw sourceFailed; // said once per root, before any of its roles was called
            }
            return first(profile, device, null);
        }, requestOptions);
        Map<String, RoleProfile> roles = new HashMap<>();
        planned.roles.forEach(r -> roles.put(r.name(), r));
        Map<String, SamlProfile> samlProfiles = new HashMap<>();
        planned.saml.forEach(p -> samlProfiles.put(p.name(), p));
        List<BulkRunner.Task> tasks = new ArrayList<>();
        for (String name : planned.order) {
            RoleProfile role = roles.get(name);
            if (role != null) {
                tasks.add(new BulkRunner.Task(FleetResult.keyOf(name), name, role.roleArn(), () -> {
                    AssumedRole a = chain.assume(role);
                    RoleCredentials c = new RoleCredentials(name, role.roleArn(), a.assumedRoleArn(), a.credentials());
                    store.offer(c);
                    return c;
                }));
            } else {
                SamlProfile p = samlProfiles.get(name);
                tasks.add(new BulkRunner.Task(FleetResult.keyOf(name), name, p.roleArn(), () -> {
                    RoleCredentials c = saml.apply(p);
                    store.offer(c);
                    return c;
                }));
            }
        }
        FleetResult result = BulkRunner.run(tasks, pool, format, listener);
        LOG.debug("generated {}", result);
        return result;
    }

    /**
     * What signs the first hop of a root's roles now: its session (the newest this fleet holds that has not
     * expired, or with {@code onAdopted} a newer one another command stored in the session cache, adopted), else
     * its long-term keys when it needs no MFA.
     *
     * @param onAdopted told of a newer session found in the cache (refresh), or {@code null} (a bulk call)
     */
    private RoleChain.First first(String profile, String device, Consumer<SessionToken> onAdopted) {
        if (rootSources.serves(profile)) {
            return rootSources.first(profile); // fetched again when no longer fresh (a web identity reads its file)
        }
        if (device == null && catalog.isSsoProfile(profile)) {
            // An IAM Identity Center role as the root: role chaining from its credentials (one hour at most).
            RoleCredentials sso = ssoSources().credentials(profile);
            return new RoleChain.First(sso.credentials().toSdkCredentials(), true, null,
                    "the IAM Identity Center role of profile " + profile);
        }
        Optional<SessionToken> session = sessions.signing(profile, device, onAdopted);
        if (session.isPresent()) {
            SessionToken s = session.get();
            return new RoleChain.First(s.credentials().toSdkCredentials(), true, s.mfaSerial(),
                    "the " + (s.withMfa() ? "MFA" : "non-MFA") + " session of profile " + profile);
        }
        if (device != null && onAdopted != null) {
            // Retried while the old set lasts: a session stored meanwhile (stsfleet session-token) is adopted.
            throw new StsCallException("SessionEnded", "the MFA session of profile " + profile + " (device " + device
                    + ") has ended; run 'stsfleet session-token --profile " + profile + "' to go on with a new one");
        }
        if (device != null) {
            throw new StsCallException("MfaRequired", "profile " + profile + " has no MFA session for device " + device
                    + "; an MFA code is single-use and cannot serve several AssumeRole calls, so make an MFA session "
                    + "first (stsfleet session-token, or a code for this run)");
        }
        return new RoleChain.First(sessions.keys(profile), false, null, "the long-term keys of profile " + profile);
    }

    /**
     * The credentials of an IAM Identity Center profile itself ({@code sso_account_id} and {@code sso_role_name}):
     * the portal's GetRoleCredentials with the cached sign-in, as the AWS CLI gives them for such a profile.
     *
     * @throws InvalidInputException when {@code profile} is not one
     * @throws dev.stsfleet.sso.SsoLoginException when there is no usable sign-in (run {@code stsfleet sso login})
     * @throws StsCallException when the portal refuses
     */
    public TemporaryCredentials identityCenterCredentials(String profile) {
        if (!catalog.isSsoProfile(profile)) {
            throw new InvalidInputException("profile " + profile + " is not an IAM Identity Center profile "
                    + "(sso_account_id, sso_role_name)");
        }
        return ssoSources().credentials(profile).credentials();
    }

    /** The Identity Center roots of this fleet's role chains, made on first use. */
    private synchronized dev.stsfleet.sso.SsoSources ssoSources() {
        if (ssoSources == null) {
            ssoSources = new dev.stsfleet.sso.SsoSources(profileFile, environment, clock, limits);
        }
        return ssoSources;
    }

    // ---------------------------------------------------------------------------------------------
    // Refresh and readers.

    /** One refresh: assume the role again with its root's session as it is now (renewed or adopted since). */
    private Expiring<RoleCredentials> refreshRole(String profile) {
        RoleProfile role = catalog.roleProfile(profile).orElseThrow(() -> new StsCallException("ClientError",
                "profile " + profile + " is not a role profile"));
        RoleChain chain = new RoleChain(catalog, gateway, (p, device) -> first(p, device, this::adopted),
                requestOptions);
        AssumedRole a = chain.assume(role);
        RoleCredentials c = new RoleCredentials(role.name(), role.roleArn(), a.assumedRoleArn(), a.credentials());
        LOG.debug("profile {}: refreshed to {}", profile, c);
        return new Expiring<>(c, c.credentials().start(), c.credentials().expiration());
    }

    /**
     * Looks in the session cache for newer MFA sessions of the roots this fleet holds sessions of (stored by
     * {@code stsfleet session-token} in another terminal, say) and adopts them: refresh then goes on until they
     * end (at most the {@link #keepFresh} lifetime), and the listener hears {@link FleetListener#onSessionAdopted}.
     * Cheap (a small file per root): {@code keep-fresh} and {@code serve} call it every second. Refresh also
     * adopts by itself whenever it signs.
     *
     * @return the sessions adopted now
     */
    public List<SessionToken> adoptNewerSessions() {
        ensureOpen();
        List<SessionToken> adopted = sessions.adoptNewer();
        adopted.forEach(this::adopted);
        return adopted;
    }

    /** A newer session from the cache was adopted: refresh may go on until it ends. */
    private void adopted(SessionToken token) {
        Instant cap = keepFreshUntil;
        refresh.extendTo(cap != null && cap.isBefore(token.end()) ? cap : token.end());
        try {
            listener.onSessionAdopted(token);
        } catch (RuntimeException e) {
            LOG.warn("a fleet listener threw {}; ignored", e.getClass().getName());
        }
    }

    /**
     * Renews the session made last by {@link #sessionToken} with a new MFA code (same root and device, same
     * lifetime) and extends background refresh to the new session's end, keeping every role set.
     *
     * @param mfaCode six digits, or {@code null} when the session was made without MFA
     * @throws IllegalStateException when the fleet has no session token to renew
     * @throws InvalidInputException before any call, for a bad code
     * @throws StsCallException      when STS refuses
     */
    public SessionToken renewSession(String mfaCode) {
        ensureOpen();
        SessionToken old = sessions.last().orElseThrow(() ->
                new IllegalStateException("there is no session token to renew: make one with sessionToken first"));
        List<String> problems = sessionProblems(lastLifetime, mfaCode);
        if (old.mfaSerial() != null && mfaCode == null) {
            problems = new ArrayList<>(problems);
            problems.add("the session was made with MFA: renewing it needs a new MFA code");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        SessionToken fresh = sessions.create(old.sourceProfile(), old.mfaSerial(), mfaCode, lastLifetime);
        refresh.extendTo(fresh.end());
        return fresh;
    }

    /**
     * An SDK credentials provider that always returns the fleet's newest credentials for a role profile.
     * Resolving fails with {@link StsFleetException} while the fleet has none for it, or after they expired.
     *
     * @throws InvalidInputException when {@code profile} is not a role profile of the fleet
     */
    public AwsCredentialsProvider credentialsProvider(String profile) {
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

    /** When background refresh ends (it may be extended by an adopted session), if it runs. */
    public Optional<Instant> refreshEnd() {
        Refresher<String, RoleCredentials> r = refresh.refresher();
        return r == null || r.isStopped() ? Optional.empty() : r.end();
    }

    /** The running refresher, if any: for tests that drive it on a moved clock. */
    Refresher<String, RoleCredentials> refresher() {
        return refresh.refresher();
    }

    /** Reads the fleet's store on every call, so SDK clients always sign with the newest set. */
    private final class FleetCredentialsProvider implements AwsCredentialsProvider {
        private final String profile;

        FleetCredentialsProvider(String profile) {
            this.profile = profile;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            RoleCredentials c = refresh.freshest(profile).orElseThrow(() -> new StsFleetException(
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

    public OutputFormat format() {
        return format;
    }

    /**
     * The profile of {@link #sessionToken}: the builder's, else {@code AWS_PROFILE}, else {@code default}, else the
     * one profile with long-term keys.
     */
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

    /** The connect and call deadlines of each STS call ({@link Builder#callLimits}). */
    public CallLimits callLimits() {
        return limits;
    }

    /** What every AssumeRole of the fleet carries. */
    public RequestOptions requestOptions() {
        return requestOptions;
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
        refresh.close();
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
        synchronized (this) {
            if (ssoSources != null) {
                ssoSources.close();
            }
        }
        refresh.awaitTermination();
        LOG.debug("fleet closed");
    }

    @Override
    public String toString() {
        return "StsFleet[sourceProfile=" + sourceProfile + ", region=" + region + ", concurrency=" + concurrency
                + ", format=" + format + ", session=" + sessions.last().orElse(null) + "]";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this StsFleet is closed");
        }
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
            List<String> withKeys = catalog.longTermKeyProfiles();
            return List.of("source profile " + sourceProfile + " does not exist in " + configFile + " or "
                    + credentialsFile + "; name the IAM user's profile with --profile or AWS_PROFILE"
                    + (withKeys.isEmpty() ? "" : " (profiles with long-term keys: " + String.join(", ", withKeys) + ")"));
        } else if (catalog.isRoleProfile(sourceProfile)) {
            return List.of("source profile " + sourceProfile
                    + " is a role profile; GetSessionToken needs an IAM user's long-term keys");
        } else if (catalog.keys(sourceProfile).isEmpty()) {
            return List.of("source profile " + sourceProfile
                    + " has no long-term keys (aws_access_key_id and aws_secret_access_key)");
        } else if (!catalog.longTermKeyProfiles().contains(sourceProfile)) {
            return List.of(ProfileCatalog.temporaryKeysProblem(sourceProfile));
        }
        return List.of();
    }

    private static List<String> sessionProblems(Duration lifetime, String mfaCode) {
        List<String> problems = new ArrayList<>();
        if (lifetime != null && (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0)) {
            problems.add("session lifetime " + dev.stsfleet.format.Durations.human(lifetime)
                    + " is outside 15m to 36h");
        }
        if (mfaCode != null && !MFA_CODE.matcher(mfaCode).matches()) {
            // Never echo the code: it is a secret while it is valid.
            problems.add("the MFA code must be exactly 6 digits");
        }
        return problems;
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
        private CallLimits limits = CallLimits.DEFAULT;
        private OutputFormat format = OutputFormat.VAULT;
        private Map<String, String> environment = System.getenv();
        private FleetListener listener = FleetListener.NONE;
        private Duration sessionEndingNotice = DEFAULT_SESSION_ENDING_NOTICE;
        private double refreshRate = DEFAULT_REFRESH_RATE;
        private RefreshPolicy refreshPolicy = RefreshPolicy.standard();
        private SessionTokenCache sessionCache;
        private Map<String, String> mfaCodes = Map.of();
        private String mfaCode;
        private MfaPrompt mfaPrompt;
        private String mfaHint;
        private Duration sessionLifetime;
        private RequestOptions requestOptions = RequestOptions.NONE;

        private Builder() {
        }

        /**
         * What every AssumeRole of the fleet carries: a source identity, session tags and session policies (bulk
         * calls and refresh alike). Checked with AWS's rules by {@link StsFleet#plan} and every bulk call, with every
         * other problem of the request, before any call. Default: {@link RequestOptions#NONE}.
         */
        public Builder requestOptions(RequestOptions requestOptions) {
            this.requestOptions = Objects.requireNonNull(requestOptions, "requestOptions");
            return this;
        }

        /**
         * The profile with the IAM user's long-term keys for {@link #sessionToken}, and the source of role profiles
         * that name none of their own (it never overrides a role's {@code source_profile}). Default:
         * {@code AWS_PROFILE}, else {@code default} for {@link #sessionToken} and none for roles.
         */
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
            this.limits = limits.withCallTimeout(callTimeout);
            return this;
        }

        /**
         * The connect and call deadlines of each STS call (replaces an earlier {@link #callTimeout}). Default:
         * {@link CallLimits#DEFAULT}, 2 seconds to connect and 30 for a call.
         */
        public Builder callLimits(CallLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
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

        /**
         * The on-disk cache of MFA sessions shared with other processes: a bulk call uses a cached session of a
         * root instead of asking for a code, and every MFA session the fleet makes is stored in it. Default: none
         * (sessions live in this fleet only).
         */
        public Builder sessionCache(SessionTokenCache sessionCache) {
            this.sessionCache = sessionCache;
            return this;
        }

        /**
         * An MFA code for the one MFA device a bulk call needs a new session for (with several, name each with
         * {@link #mfaCodes}). Single-use: spent by the first call that makes a session with it. Default: none.
         */
        public Builder mfaCode(String mfaCode) {
            this.mfaCode = mfaCode;
            return this;
        }

        /** MFA codes by device (ARN or serial), each spent by the first session made with it. Default: none. */
        public Builder mfaCodes(Map<String, String> codesByDevice) {
            this.mfaCodes = Map.copyOf(Objects.requireNonNull(codesByDevice, "codesByDevice"));
            return this;
        }

        /**
         * Asks a person for the code of a device that has no code and no cached session: once per device, before
         * any call of the bulk call that needs it. Default: none, and a missing code is an
         * {@link InvalidInputException} naming every such device, before any call.
         */
        public Builder mfaPrompt(MfaPrompt mfaPrompt) {
            this.mfaPrompt = mfaPrompt;
            return this;
        }

        /** What a missing-code problem adds, e.g. how to pass codes. Default: nothing. */
        public Builder mfaHint(String mfaHint) {
            this.mfaHint = mfaHint;
            return this;
        }

        /**
         * The lifetime of the MFA sessions a bulk call makes, 15 minutes to 36 hours; when set, a cached session is
         * reused only if it lasts that long. Default: one hour, and any cached session with time left is reused.
         */
        public Builder sessionLifetime(Duration sessionLifetime) {
            if (sessionLifetime != null) {
                checkLifetime(sessionLifetime);
            }
            this.sessionLifetime = sessionLifetime;
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
