package dev.stsfleet.provider;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.sts.AssumedRole;
import dev.stsfleet.sts.RoleAssumer;
import dev.stsfleet.sts.StsGateway;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Credentials for any account by assuming one role name in it from a base account (awsrun's
 * {@code CredsViaCrossAccount}): {@code arn:aws:iam::<account>:role/<role>}, signed with the base
 * credentials, with an optional external id. The base is any SDK provider or any {@link SessionProvider}
 * (a profile, a profile holding an MFA session token, SAML): it is asked for its credentials on every
 * AssumeRole and does its own caching, so one base login serves every account.
 *
 * <p>Credentials are cached per (account, role) and renewed once half their lifetime has passed; concurrent
 * callers for one (account, role) share one AssumeRole. Each AssumeRole gets a fresh, valid session name
 * ({@code <prefix>-<16 random hex digits>}, at most 64 characters).
 *
 * <p>Thread-safe. The {@link StsGateway} and the base provider are not closed by {@link #close()}.
 */
public final class CrossAccountSessionProvider implements RoleSessionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(CrossAccountSessionProvider.class);
    private static final Pattern PREFIX = Pattern.compile("[\\w+=,.@-]{1,47}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Duration MIN_DURATION = Duration.ofMinutes(15);
    private static final Duration MAX_DURATION = Duration.ofHours(12);
    /** AWS caps a role session assumed with temporary credentials (role chaining) at one hour. */
    static final Duration CHAINED_MAX = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RoleAssumer gateway;
    private final AwsCredentialsProvider base;
    private final String baseDescription;
    private final String roleName;
    private final String externalId;
    private final RequestOptions options;
    private final Duration duration;
    private final String sessionNamePrefix;
    private final Clock clock;
    private final HalfLifeCache<AccountRole> cache;
    private volatile boolean closed;

    private CrossAccountSessionProvider(Builder b) {
        this.gateway = b.gateway;
        this.base = b.base;
        this.baseDescription = b.baseDescription;
        this.roleName = b.roleName;
        this.externalId = b.externalId;
        this.options = b.options;
        this.duration = b.duration;
        this.sessionNamePrefix = b.sessionNamePrefix;
        this.clock = b.clock;
        this.cache = new HalfLifeCache<>(b.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<String> defaultRoleName() {
        return Optional.ofNullable(roleName);
    }

    @Override
    public AwsCredentialsProvider credentialsProvider(String accountId) {
        AccountRole target = new AccountRole(accountId, defaultRoleName().orElseThrow(() ->
                new IllegalStateException("no default role name was configured")));
        return new AwsCredentialsProvider() {
            @Override
            public AwsCredentials resolveCredentials() {
                return roleCredentials(target.accountId(), target.roleName()).credentials().toSdkCredentials();
            }

            @Override
            public String toString() {
                return "CrossAccountCredentialsProvider[" + target.roleArn() + "]";
            }
        };
    }

    @Override
    public RoleCredentials roleCredentials(String accountId, String roleName) {
        checkOpen();
        AccountRole target = new AccountRole(accountId, roleName);
        return cache.get(target, () -> {
            RoleCredentials assumed = assume(target);
            LOG.debug("{}: credentials cached until half their lifetime", target.name());
            return assumed;
        });
    }

    private RoleCredentials assume(AccountRole target) {
        AwsCredentials caller = base.resolveCredentials();
        long seconds = duration.toSeconds();
        if (caller instanceof AwsSessionCredentials && duration.compareTo(CHAINED_MAX) > 0) {
            LOG.debug("{}: duration {} s clamped to {} s: the base credentials are temporary and AWS caps role "
                    + "chaining at one hour", target.name(), seconds, CHAINED_MAX.toSeconds());
            seconds = CHAINED_MAX.toSeconds();
        }
        String sessionName = sessionName(sessionNamePrefix);
        LOG.debug("{}: AssumeRole {} from {} as session {} for {} s{}{}", target.name(), target.roleArn(),
                baseDescription, sessionName, seconds, externalId == null ? "" : " with an external id",
                options.isEmpty() ? "" : ", " + options.describe());
        try {
            AssumedRole a = gateway.assumeRole(caller, target.roleArn(), sessionName, Math.toIntExact(seconds),
                    externalId, options);
            return new RoleCredentials(target.name(), target.roleArn(), a.assumedRoleArn(), a.credentials());
        } catch (StsCallException e) {
            String message = e.getMessage().startsWith(e.code() + ": ")
                    ? e.getMessage().substring(e.code().length() + 2) : e.getMessage();
            throw new AssumeRoleFailedException(target.roleArn(), "from " + baseDescription, e.code(), message, e);
        }
    }

    /** {@code <prefix>-<16 hex digits>}: unique per call (64 random bits), valid for RoleSessionName. */
    static String sessionName(String prefix) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return prefix + "-" + HexFormat.of().formatHex(random);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this cross-account session provider is closed");
        }
    }

    /** Forgets every cached credential. The gateway and the base provider stay open. */
    @Override
    public void close() {
        closed = true;
        cache.clear();
    }

    @Override
    public String toString() {
        return "CrossAccountSessionProvider[base=" + baseDescription + ", role=" + roleName + ", externalId="
                + (externalId == null ? "none" : "set") + ", duration=" + duration + ", cached=" + cache.size() + "]";
    }

    /** Configures a {@link CrossAccountSessionProvider}. Not thread-safe. */
    public static final class Builder {
        private RoleAssumer gateway;
        private AwsCredentialsProvider base;
        private String baseDescription;
        private String roleName;
        private String externalId;
        private RequestOptions options = RequestOptions.NONE;
        private Duration duration = Duration.ofHours(1);
        private String sessionNamePrefix = "stsfleet";
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Where the AssumeRole calls go; not closed by the provider. Required. */
        public Builder gateway(StsGateway gateway) {
            this.gateway = Objects.requireNonNull(gateway, "gateway");
            return this;
        }

        /**
         * Where the AssumeRole calls go: any {@link RoleAssumer}, e.g. {@link dev.stsfleet.sts.RegionalGateways}
         * to spread them over several regional endpoints; not closed by the provider. Required (or
         * {@link #gateway(StsGateway)}).
         */
        public Builder roleAssumer(RoleAssumer assumer) {
            this.gateway = Objects.requireNonNull(assumer, "assumer");
            return this;
        }

        /** The base credentials: the base account's credentials from a session provider. Required (or {@link #base(AwsCredentialsProvider)}). */
        public Builder base(SessionProvider provider, String baseAccount) {
            Objects.requireNonNull(provider, "provider");
            if (baseAccount == null || !AccountRole.ACCOUNT_ID.matcher(baseAccount).matches()) {
                throw new InvalidInputException("not a 12-digit base account id: " + baseAccount);
            }
            this.base = provider.credentialsProvider(baseAccount);
            this.baseDescription = "base account " + baseAccount;
            return this;
        }

        /** The base credentials: any SDK provider (it caches on its own). Required (or the other {@code base}). */
        public Builder base(AwsCredentialsProvider provider) {
            this.base = Objects.requireNonNull(provider, "provider");
            this.baseDescription = "the base credentials";
            return this;
        }

        /** How the base is named in log lines and error messages (no secret). Default: as set by {@code base}. */
        public Builder baseDescription(String baseDescription) {
            this.baseDescription = Objects.requireNonNull(baseDescription, "baseDescription");
            return this;
        }

        /** The role name assumed in every account by {@link #credentialsProvider(String)}. Default none. */
        public Builder roleName(String roleName) {
            AccountRole.requireRoleName(roleName);
            this.roleName = roleName;
            return this;
        }

        /** The external id the roles' trust policies require. Default none. */
        public Builder externalId(String externalId) {
            if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
                // Never echo it: an external id is a shared secret of sorts.
                throw new InvalidInputException("the external id must be 2 to 1224 characters of [\\w+=,.@:/-]");
            }
            this.externalId = externalId;
            return this;
        }

        /**
         * What every AssumeRole carries: source identity, session tags, session policies.
         * Default {@link RequestOptions#NONE}.
         *
         * @throws InvalidInputException listing every problem of the options by AWS's rules
         */
        public Builder requestOptions(RequestOptions options) {
            java.util.List<String> problems = Objects.requireNonNull(options, "options").problems();
            if (!problems.isEmpty()) {
                throw new InvalidInputException(problems);
            }
            this.options = options;
            return this;
        }

        /**
         * The role sessions' length, 15 minutes to 12 hours (and at most each role's maximum); clamped to one
         * hour when the base credentials are temporary. Default one hour.
         */
        public Builder duration(Duration duration) {
            if (duration == null || duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
                throw new InvalidInputException("the role session duration must be 15m to 12h, not " + dev.stsfleet.format.Durations.human(duration));
            }
            this.duration = duration;
            return this;
        }

        /** The start of every session name, 1 to 47 characters of {@code [\w+=,.@-]}. Default {@code stsfleet}. */
        public Builder sessionNamePrefix(String sessionNamePrefix) {
            if (sessionNamePrefix == null || !PREFIX.matcher(sessionNamePrefix).matches()) {
                throw new InvalidInputException("the session name prefix must be 1 to 47 characters of [\\w+=,.@-]: "
                        + sessionNamePrefix);
            }
            this.sessionNamePrefix = sessionNamePrefix;
            return this;
        }

        /** The clock for cache decisions. Default the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public CrossAccountSessionProvider build() {
            if (gateway == null || base == null) {
                throw new IllegalStateException("gateway and base are required");
            }
            return new CrossAccountSessionProvider(this);
        }
    }
}
