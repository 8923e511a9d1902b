package dev.stsfleet.provider.saml;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.provider.AccountRole;
import dev.stsfleet.provider.AssumeRoleFailedException;
import dev.stsfleet.provider.HalfLifeCache;
import dev.stsfleet.provider.RoleSessionProvider;
import dev.stsfleet.sts.StsGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credentials for any account through SAML federation (awsrun's {@code CredsViaSAML}): one IdP login, then
 * AssumeRoleWithSAML for each (account, role) asked for.
 *
 * <p>Caching: the IdP's SAML response is kept for {@link Builder#assertionLifetime(Duration)} (default
 * five minutes) but never past its own {@code NotOnOrAfter}; credentials are kept per (account, role) and
 * renewed once half their lifetime has passed. Concurrent callers share one IdP login (single flight), so a
 * bulk run over hundreds of accounts logs in once. A login the IdP <em>denied</em> is remembered and not
 * retried, so a wrong password cannot lock the account through repeated attempts.
 *
 * <p>As a {@link RoleSessionProvider} it plugs into the bulk {@link dev.stsfleet.provider.AccountRunner}: one IdP
 * login serves every account.
 *
 * <p>Thread-safe. Owns its {@link IdpClient}: {@link #close()} closes it (zeroing its password). The
 * {@link SamlAssumer} (or {@link StsGateway}) is not closed.
 */
public final class SamlSessionProvider implements RoleSessionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(SamlSessionProvider.class);
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    // AssumeRoleWithSAML's DurationSeconds range.
    private static final Duration MIN_DURATION = Duration.ofMinutes(15);
    private static final Duration MAX_DURATION = Duration.ofHours(12);

    private final IdpClient idp;
    private final SamlAssumer assumer;
    private final String roleName;
    private final Duration duration;
    private final Duration assertionLifetime;
    private final Duration assertionMargin;
    private final Clock clock;

    private final Object assertionLock = new Object();
    private volatile CachedAssertion cachedAssertion;
    private CompletableFuture<CachedAssertion> login; // guarded by assertionLock
    private volatile IdpAccessDeniedException denied;
    private final HalfLifeCache<Key> credentials;
    private volatile boolean closed;

    private record CachedAssertion(SamlAssertion assertion, Instant validUntil) {
    }

    private record Key(String accountId, String roleName) {
    }

    private SamlSessionProvider(Builder b) {
        this.idp = b.idp;
        this.assumer = b.assumer;
        this.roleName = b.roleName;
        this.duration = b.duration;
        this.assertionLifetime = b.assertionLifetime;
        this.assertionMargin = b.assertionMargin;
        this.clock = b.clock;
        this.credentials = new HalfLifeCache<>(b.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Credentials for the configured {@link Builder#roleName(String) role name} in {@code accountId}. */
    public TemporaryCredentials credentials(String accountId) {
        if (roleName == null) {
            throw new IllegalStateException("no default role name was configured; pass one");
        }
        return credentials(accountId, roleName);
    }

    /**
     * Credentials for role {@code roleName} in {@code accountId}, from the cache while less than half their
     * lifetime has passed, else from AssumeRoleWithSAML with the (cached) assertion.
     *
     * @throws InvalidInputException        a malformed account id or role name
     * @throws RoleNotInAssertionException  the assertion offers no such role
     * @throws AssumeRoleFailedException    STS refused
     * @throws IdpException                 the IdP login failed (denied, invalid response, unreachable)
     */
    public TemporaryCredentials credentials(String accountId, String roleName) {
        return roleCredentials(accountId, roleName).credentials();
    }

    /**
     * {@link #credentials(String, String)} with the role it belongs to, named {@code <account>-<role>} for a
     * bulk result; same cache, same exceptions.
     */
    @Override
    public RoleCredentials roleCredentials(String accountId, String roleName) {
        Key key = key(accountId, roleName);
        return credentials.get(key, () -> {
            RoleCredentials fresh = assume(key, null, null);
            LOG.debug("credentials for {}/{} cached until half their lifetime", key.accountId(), key.roleName());
            return fresh;
        });
    }

    /** Credentials for one of the {@link #roles()} (for {@code --all-roles}). */
    public TemporaryCredentials credentials(SamlRole role) {
        return credentials(role.accountId(), role.roleName());
    }

    @Override
    public Optional<String> defaultRoleName() {
        return Optional.ofNullable(roleName);
    }

    /** An SDK provider that always returns {@link #credentials(String)} for the account. */
    @Override
    public AwsCredentialsProvider credentialsProvider(String accountId) {
        if (roleName == null) {
            throw new IllegalStateException("no default role name was configured; pass one");
        }
        return credentialsProvider(accountId, roleName);
    }

    /** An SDK provider that always returns {@link #credentials(String, String)}; cheap while cached. */
    public AwsCredentialsProvider credentialsProvider(String accountId, String roleName) {
        Key key = key(accountId, roleName);
        return new AwsCredentialsProvider() {
            @Override
            public AwsCredentials resolveCredentials() {
                return credentials(key.accountId(), key.roleName()).toSdkCredentials();
            }

            @Override
            public String toString() {
                return "SamlCredentialsProvider[account=" + key.accountId() + ", role=" + key.roleName() + "]";
            }
        };
    }

    /** Every (role, provider) pair the current assertion offers; logs in if no assertion is cached. */
    public List<SamlRole> roles() {
        return assertion().roles();
    }

    /**
     * The cached assertion, or a fresh one from the IdP. Concurrent callers share one login; a denied login
     * is rethrown without asking the IdP again.
     */
    public SamlAssertion assertion() {
        return cachedOrLogin().assertion();
    }

    private CachedAssertion cachedOrLogin() {
        checkOpen();
        CachedAssertion cached = cachedAssertion;
        if (cached != null && clock.instant().isBefore(cached.validUntil())) {
            return cached;
        }
        IdpAccessDeniedException refused = denied;
        if (refused != null) {
            throw refused;
        }
        CompletableFuture<CachedAssertion> flight;
        boolean leader = false;
        synchronized (assertionLock) {
            cached = cachedAssertion;
            if (cached != null && clock.instant().isBefore(cached.validUntil())) {
                return cached;
            }
            if (login == null) {
                login = new CompletableFuture<>();
                leader = true;
            }
            flight = login;
        }
        if (leader) {
            CachedAssertion fresh = null;
            try {
                fresh = fetch();
                flight.complete(fresh);
            } catch (RuntimeException e) {
                if (e instanceof IdpAccessDeniedException accessDenied) {
                    denied = accessDenied;
                }
                flight.completeExceptionally(e);
            } catch (Error e) {
                flight.completeExceptionally(e);
                throw e;
            } finally {
                synchronized (assertionLock) {
                    if (fresh != null) {
                        cachedAssertion = fresh;
                    }
                    login = null;
                }
            }
        }
        try {
            return flight.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private CachedAssertion fetch() {
        SamlAssertion assertion = idp.login();
        Instant now = clock.instant();
        Instant validUntil = now.plus(assertionLifetime);
        if (assertion.notOnOrAfter().isPresent()) {
            // Never hand out an assertion AWS would refuse; the margin covers the STS call's own time.
            Instant limit = assertion.notOnOrAfter().get().minus(assertionMargin);
            validUntil = limit.isBefore(validUntil) ? limit : validUntil;
        }
        LOG.info("SAML assertion for {} offers {} role(s); cached until {}", assertion.subject().orElse("?"),
                assertion.roles().size(), validUntil);
        if (!validUntil.isAfter(now)) {
            LOG.warn("the IdP's SAML assertion is already at its NotOnOrAfter ({}); check the clocks",
                    assertion.notOnOrAfter().orElse(null));
        }
        return new CachedAssertion(assertion, validUntil);
    }

    /**
     * AssumeRoleWithSAML for one role of one profile, with that profile's settings, not cached (a bulk run over
     * profiles asks once per profile); shares the cached assertion and its single-flight login.
     *
     * @param accountId    the role's account
     * @param roleName     the role's name (without path)
     * @param principalArn the SAML provider to use, or {@code null} for the one the assertion pairs with the role
     * @param duration     the session length (15 min to 12 h), or {@code null} for the provider's default
     * @return credentials named {@code <account>-<role>}
     * @throws InvalidInputException       a malformed account id, role name or duration
     * @throws RoleNotInAssertionException the assertion offers no such role (through that provider)
     * @throws AssumeRoleFailedException   STS refused
     * @throws IdpException                the IdP login failed
     */
    public RoleCredentials assume(String accountId, String roleName, String principalArn, Duration duration) {
        Key key = key(accountId, roleName);
        if (duration != null && (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0)) {
            throw new InvalidInputException("the role session length must be 15m to 12h, not " + dev.stsfleet.format.Durations.human(duration));
        }
        return assume(key, principalArn, duration == null ? null : Math.toIntExact(duration.toSeconds()));
    }

    private RoleCredentials assume(Key key, String principalArn, Integer explicitSeconds) {
        for (int attempt = 1; ; attempt++) {
            SamlAssertion assertion = assertion();
            SamlRole role = assertion.roles().stream()
                    .filter(r -> r.matches(key.accountId(), key.roleName()))
                    .filter(r -> principalArn == null || r.principalArn().equals(principalArn))
                    .findFirst()
                    .orElseThrow(() -> new RoleNotInAssertionException(key.accountId(), key.roleName(),
                            assertion.roles().stream().map(principalArn == null ? SamlRole::roleArn
                                    : r -> r.roleArn() + " (via " + r.principalArn() + ")").toList()));
            Integer seconds = explicitSeconds != null ? explicitSeconds : durationSeconds(assertion);
            LOG.info("AssumeRoleWithSAML {} via {}{}", role.roleArn(), role.principalArn(),
                    seconds == null ? "" : " for " + seconds + " s");
            try {
                TemporaryCredentials result = assumer.assume(role.roleArn(), role.principalArn(),
                        assertion.encoded(), seconds);
                if (result == null) {
                    throw new AssumeRoleFailedException(role.roleArn(), "NoCredentials", "STS returned no credentials",
                            null);
                }
                return new RoleCredentials(new AccountRole(key.accountId(), key.roleName()).name(), role.roleArn(),
                        null, result);
            } catch (AssumeRoleFailedException e) {
                throw e;
            } catch (StsCallException e) {
                if (attempt == 1 && isExpiredAssertion(e.code())) {
                    // The IdP's clock or a slow bulk run let the assertion age out: one fresh login, one retry.
                    LOG.info("STS says the SAML assertion expired ({}); logging in again", e.code());
                    forget(assertion);
                    continue;
                }
                throw new AssumeRoleFailedException(role.roleArn(), e.code(), e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new AssumeRoleFailedException(role.roleArn(), "Unknown",
                        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            }
        }
    }

    private Integer durationSeconds(SamlAssertion assertion) {
        if (duration != null) {
            return Math.toIntExact(duration.toSeconds());
        }
        // As saml2aws does: without an explicit duration, ask for what the IdP grants.
        return assertion.sessionDuration()
                .filter(d -> d.compareTo(MIN_DURATION) >= 0 && d.compareTo(MAX_DURATION) <= 0)
                .map(d -> Math.toIntExact(d.toSeconds()))
                .orElse(null);
    }

    private static boolean isExpiredAssertion(String code) {
        return "ExpiredTokenException".equals(code) || "ExpiredToken".equals(code);
    }

    private void forget(SamlAssertion assertion) {
        synchronized (assertionLock) {
            CachedAssertion cached = cachedAssertion;
            if (cached != null && cached.assertion() == assertion) {
                cachedAssertion = null;
            }
        }
    }

    private Key key(String accountId, String roleName) {
        checkOpen();
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new InvalidInputException("not a 12-digit AWS account id: " + accountId);
        }
        if (roleName == null || !ROLE_NAME.matcher(roleName).matches()) {
            throw new InvalidInputException("not an IAM role name: " + roleName);
        }
        return new Key(accountId, roleName);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this SAML session provider is closed");
        }
    }

    /** Forgets every cached assertion and credential and closes the IdP client. */
    @Override
    public void close() {
        closed = true;
        cachedAssertion = null;
        credentials.clear();
        idp.close();
    }

    @Override
    public String toString() {
        return "SamlSessionProvider[idp=" + idp + ", role=" + roleName + ", cachedRoles=" + credentials.size() + "]";
    }

    /** Configures a {@link SamlSessionProvider}. Not thread-safe. */
    public static final class Builder {
        private IdpClient idp;
        private SamlAssumer assumer;
        private String roleName;
        private Duration duration;
        private Duration assertionLifetime = Duration.ofMinutes(5);
        private Duration assertionMargin = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The IdP to log in to; closed with the provider. Required. */
        public Builder idp(IdpClient idp) {
            this.idp = Objects.requireNonNull(idp, "idp");
            return this;
        }

        /** Where AssumeRoleWithSAML goes (the STS gateway, or an SDK StsClient). Required. */
        public Builder assumer(SamlAssumer assumer) {
            this.assumer = Objects.requireNonNull(assumer, "assumer");
            return this;
        }

        /**
         * Where AssumeRoleWithSAML goes: the shared STS gateway (unsigned call), which is not closed with the
         * provider. Required unless an {@link #assumer(SamlAssumer)} is given.
         */
        public Builder gateway(StsGateway gateway) {
            Objects.requireNonNull(gateway, "gateway");
            this.assumer = (roleArn, principalArn, assertion, seconds) ->
                    gateway.assumeRoleWithSaml(roleArn, principalArn, assertion, seconds).credentials();
            return this;
        }

        /** The role name used by {@link #credentials(String)}. Default none: pass it per call. */
        public Builder roleName(String roleName) {
            this.roleName = roleName;
            return this;
        }

        /**
         * The role sessions' length, 15 minutes to 12 hours (and at most the role's maximum). Default: the
         * assertion's {@code SessionDuration} if it has one in that range, else AWS's default of one hour.
         */
        public Builder duration(Duration duration) {
            if (duration != null && (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0)) {
                throw new IllegalArgumentException("duration must be between 15 minutes and 12 hours: " + duration);
            }
            this.duration = duration;
            return this;
        }

        /** How long a SAML response is reused, capped by its own {@code NotOnOrAfter}. Default 5 minutes. */
        public Builder assertionLifetime(Duration assertionLifetime) {
            if (assertionLifetime == null || assertionLifetime.isNegative()) {
                throw new IllegalArgumentException("assertionLifetime must not be negative");
            }
            this.assertionLifetime = assertionLifetime;
            return this;
        }

        /**
         * How long before its {@code NotOnOrAfter} an assertion stops being used, to leave time for the STS
         * call. Default 5 seconds.
         */
        public Builder assertionMargin(Duration assertionMargin) {
            if (assertionMargin == null || assertionMargin.isNegative()) {
                throw new IllegalArgumentException("assertionMargin must not be negative");
            }
            this.assertionMargin = assertionMargin;
            return this;
        }

        /** The clock for every cache decision. Default the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public SamlSessionProvider build() {
            if (idp == null || assumer == null) {
                throw new IllegalStateException("idp and assumer are required");
            }
            if (roleName != null && !ROLE_NAME.matcher(roleName).matches()) {
                throw new IllegalStateException("not an IAM role name: " + roleName);
            }
            return new SamlSessionProvider(this);
        }
    }
}
