package dev.stsfleet.cli;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.profile.CredentialPlan;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.store.CredentialCache;
import dev.stsfleet.store.SessionTokenCache;
import dev.stsfleet.store.StateDirectory;
import dev.stsfleet.sso.SsoConfig;
import dev.stsfleet.sso.SsoProfile;
import dev.stsfleet.sso.SsoToken;
import dev.stsfleet.sso.SsoTokenCache;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The one way {@code env}, {@code exec}, {@code write}, {@code credential-process} and {@code login} get role
 * credentials: the command's fleet plans the selection (every problem before any call), then generates it; which
 * source, MFA device and session serve each role is the plan's decision, with the MFA session cache every command
 * shares. Also where the AWS files and the state directory are, for every command.
 *
 * <p>The state directory comes from the command's context ({@code STSFLEET_HOME}, else {@code $HOME/.stsfleet}),
 * never from the real process environment, so tests stay isolated.
 */
public final class Credentials {
    private Credentials() {
    }

    /** What {@link #fetch} got: the result per profile, the plan it ran, and the region of the fleet. */
    public record Fetched(FleetResult result, CredentialPlan plan, ProfileCatalog catalog, String region) {
        /** Whether {@code profile}'s credentials came from role chaining (a session, or another role's credentials). */
        public boolean roleChained(String profile) {
            return plan.role(profile).map(CredentialPlan.Role::chained).orElse(false);
        }
    }

    /** Where the AWS files are for this command: its options, else the context's variables, else ~/.aws. */
    public static ProfileLocations locations(CommandContext cli) {
        return ProfileLocations.resolve(cli.global().configFile(), cli.global().credentialsFile(),
                cli.context().environment());
    }

    /** The config file the fleet reads: {@code --config-file}, {@code AWS_CONFIG_FILE}, {@code ~/.aws/config}. */
    public static Path configFile(CommandContext cli) {
        return locations(cli).configFile();
    }

    /**
     * The credentials file the fleet reads (and {@code write} and {@code keep-fresh} edit):
     * {@code --credentials-file}, {@code AWS_SHARED_CREDENTIALS_FILE}, {@code ~/.aws/credentials}.
     */
    public static Path credentialsFile(CommandContext cli) {
        return locations(cli).credentialsFile();
    }

    /**
     * The profiles of the config and credentials files, as the command's fleet reads them (roles naming no source
     * served by {@code --profile} or {@code AWS_PROFILE}), without creating any STS client.
     */
    public static ProfileCatalog catalog(CommandContext cli) {
        String source = cli.global().profile() != null ? cli.global().profile() : cli.context().env("AWS_PROFILE");
        return StsFleet.catalog(locations(cli).read(), source == null || source.isBlank() ? null : source.trim(),
                cli.context().environment());
    }

    /** The STS endpoint in words, for cache keys: the option, the variables, else AWS's. */
    public static String endpointLabel(CommandContext cli) {
        String e = cli.global().endpointUrl();
        if (e == null) {
            e = cli.context().env("AWS_ENDPOINT_URL_STS");
        }
        if (e == null) {
            e = cli.context().env("AWS_ENDPOINT_URL");
        }
        return e == null ? "aws" : e.trim();
    }

    /** The state directory: {@code override}, else {@code STSFLEET_HOME}, else {@code $HOME/.stsfleet}. */
    public static StateDirectory stateDirectory(CliContext context, Path override) {
        return StateDirectory.open(stateDirectoryPath(context, override));
    }

    /** Where {@link #stateDirectory} is, without creating or checking it. */
    public static Path stateDirectoryPath(CliContext context, Path override) {
        if (override != null) {
            return override;
        }
        String fromEnv = context.env(StateDirectory.ENV_VARIABLE);
        if (fromEnv != null) {
            return Path.of(fromEnv);
        }
        String home = context.env("HOME");
        return Path.of(home != null ? home : System.getProperty("user.home"), ".stsfleet");
    }

    /** The MFA session cache every command shares. */
    public static SessionTokenCache sessionTokens(CliContext context) {
        return SessionTokenCache.builder().stateDirectory(stateDirectory(context, null)).clock(context.clock()).build();
    }

    /**
     * Credentials for the named role profiles; see {@link #fetch(CommandContext, Collection, MfaOptions, Consumer)}.
     */
    public static Fetched fetch(CommandContext cli, Collection<String> names, MfaOptions mfa) {
        return fetch(cli, names, mfa, RequestOptions.NONE, plan -> { });
    }

    /** {@link #fetch(CommandContext, Collection, MfaOptions)} with what every AssumeRole carries. */
    public static Fetched fetch(CommandContext cli, Collection<String> names, MfaOptions mfa, RequestOptions options) {
        return fetch(cli, names, mfa, options, plan -> { });
    }

    /**
     * Credentials for the named role profiles: planned first (any problem is an
     * {@link dev.stsfleet.InvalidInputException} before any call), then {@code check} sees the plan (and may
     * refuse it, still before any call), then the fleet generates them.
     */
    public static Fetched fetch(CommandContext cli, Collection<String> names, MfaOptions mfa,
                                Consumer<CredentialPlan> check) {
        return fetch(cli, names, mfa, RequestOptions.NONE, check);
    }

    private static Fetched fetch(CommandContext cli, Collection<String> names, MfaOptions mfa, RequestOptions options,
                                 Consumer<CredentialPlan> check) {
        // One role: its calls follow each other (MFA session, then each role of its chain), so one connection is
        // all it can use, and the fleet builds the client that suits that (SdkClients).
        StsFleet.Builder builder = FleetFactory.builder(cli, mfa, options);
        if (names.size() == 1) {
            builder.concurrency(1);
        }
        try (StsFleet fleet = builder.build()) {
            CredentialPlan plan = fleet.plan(List.copyOf(names));
            check.accept(plan);
            FleetResult result = fleet.generateCredentials(List.copyOf(names));
            return new Fetched(result, plan, fleet.catalog(), fleet.region());
        }
    }

    /**
     * One role's credentials as a single-role command gets them: from the role-credential cache every such command
     * shares while more than {@link Freshness#CACHE_MARGIN} is left (no STS client is built then), else assumed and
     * stored. {@code --no-cache} neither uses nor stores; {@code --refresh} assumes and stores.
     *
     * @throws StsCallException with AWS's code and the profile's name when it failed (exit 1)
     */
    public static Single single(CommandContext cli, String profile, MfaOptions mfa, CacheOptions options) {
        return single(cli, profile, mfa, RequestOptions.NONE, options);
    }

    /**
     * {@link #single(CommandContext, String, MfaOptions, CacheOptions)} with what the AssumeRole carries; a cached
     * entry serves only a call with the same request options.
     */
    public static Single single(CommandContext cli, String profile, MfaOptions mfa, RequestOptions request,
                                CacheOptions options) {
        ProfileCatalog catalog = catalog(cli);
        RoleProfile role;
        List<String> problems = new ArrayList<>(request.problems());
        try {
            role = catalog.select(List.of(profile)).get(0); // a bad name: exit 2 before anything else
        } catch (dev.stsfleet.InvalidInputException e) {
            problems.addAll(0, e.problems());
            throw new dev.stsfleet.InvalidInputException(problems);
        }
        if (!problems.isEmpty()) {
            throw new dev.stsfleet.InvalidInputException(problems);
        }
        Supplier<TemporaryCredentials> load = () -> assume(cli, profile, mfa, request);
        return options.enabled() ? cached(cli, options, cacheKey(cli, catalog, role, request), load, List.of())
                : new Single(load.get(), null, null, locations(cli), List.of());
    }

    /**
     * {@code key}'s credentials from the role-credential cache every single-role command shares, else
     * {@code load}'s, stored ({@code --refresh}: {@code load}'s, stored). A state directory that cannot be used
     * costs the cache (a warning), not the command. {@code alsoRead}: files besides the AWS files and the entry
     * that a memo of the answer depends on.
     */
    private static Single cached(CommandContext cli, CacheOptions options, CredentialCache.Key key,
                                 Supplier<TemporaryCredentials> load, List<Path> alsoRead) {
        ProfileLocations files = locations(cli);
        StateDirectory state;
        CredentialCache cache;
        try {
            state = stateDirectory(cli.context(), options.cacheDir());
            cache = CredentialCache.builder()
                    .stateDirectory(state)
                    .clock(cli.context().clock())
                    .margin(Freshness.CACHE_MARGIN)
                    .lockTimeout(Duration.ofMinutes(5)) // the holder may be a person typing an MFA code
                    .build();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Credentials.class).warn("the credential cache cannot be used: {}", e.getMessage());
            return new Single(load.get(), null, null, files, List.of());
        }
        TemporaryCredentials credentials;
        if (options.refresh()) {
            credentials = load.get();
            cache.put(key, credentials);
        } else {
            credentials = cache.get(key).orElseGet(() -> cache.getOrLoad(key, load));
        }
        return new Single(credentials, state, cache.fileOf(key), files, alsoRead);
    }

    /**
     * An IAM Identity Center profile's role credentials as a single-role command gets them: from the same
     * role-credential cache while the sign-in they came from is still the cached one, else from the portal
     * ({@code fromPortal}) and stored. The key holds the profile's whole description, the session's start URL and
     * region, the portal endpoint and the expiry of the cached token (never the token): a new sign-in or a
     * refreshed token makes a new key, and without a live token ({@code sso logout}, or expired) the cache is not
     * used at all, so the portal says what is wrong. {@code --no-cache} neither uses nor stores; {@code --refresh}
     * asks the portal and stores.
     */
    public static Single identityCenter(CommandContext cli, ProfileCatalog catalog, String profile,
                                        CacheOptions options, Supplier<TemporaryCredentials> fromPortal) {
        if (!options.enabled()) {
            return new Single(fromPortal.get(), null, null, locations(cli), List.of());
        }
        Optional<SsoProfile> sso = SsoConfig.of(catalog.profileFile()).profile(profile)
                .filter(p -> p.accountId() != null);
        SsoTokenCache tokens = SsoTokenCache.inHome(cli.context().environment());
        Instant now = cli.context().clock().instant();
        Optional<SsoToken> token;
        try {
            token = sso.flatMap(p -> tokens.read(p.session())).filter(t -> t.expiresAt().isAfter(now));
        } catch (RuntimeException e) {
            token = Optional.empty(); // an unreadable token file: the portal path reports it
        }
        if (sso.isEmpty() || token.isEmpty()) {
            return new Single(fromPortal.get(), null, null, locations(cli), List.of());
        }
        SsoProfile p = sso.get();
        String portal = cli.context().env("AWS_ENDPOINT_URL_SSO");
        if (portal == null) {
            portal = cli.context().env("AWS_ENDPOINT_URL");
        }
        CredentialCache.Key key = new CredentialCache.Key(profile,
                "arn:aws:iam::" + p.accountId() + ":role/" + p.roleName(),
                "identity-center;chain=" + catalog.chainDescription(profile) + ";session="
                        + p.session().startUrl() + " " + p.session().region() + ";token-expires="
                        + token.get().expiresAt() + ";portal=" + (portal == null ? "aws" : portal.trim()), null);
        return cached(cli, options, key, fromPortal, List.of(tokens.file(p.session())));
    }

    /**
     * The role-credential cache key of {@code role}: its name and ARN, its whole source chain as the files describe
     * it (every property of every profile down to the root, secrets only as "set"), the session source
     * ({@code --profile} / {@code AWS_PROFILE}) and the STS endpoint.
     */
    public static CredentialCache.Key cacheKey(CommandContext cli, ProfileCatalog catalog, RoleProfile role) {
        return cacheKey(cli, catalog, role, RequestOptions.NONE);
    }

    /** {@link #cacheKey(CommandContext, ProfileCatalog, RoleProfile)} of a call carrying {@code request}. */
    public static CredentialCache.Key cacheKey(CommandContext cli, ProfileCatalog catalog, RoleProfile role,
                                               RequestOptions request) {
        String source = "chain=" + catalog.chainDescription(role.name())
                + ";default=" + catalog.defaultSource().orElse(null)
                + ";session=" + cli.global().profile() + ";endpoint=" + endpointLabel(cli)
                + (request.isEmpty() ? "" : ";request=" + request.fingerprint());
        return new CredentialCache.Key(role.name(), role.roleArn(), source, role.externalId());
    }

    private static TemporaryCredentials assume(CommandContext cli, String profile, MfaOptions mfa,
                                               RequestOptions request) {
        Fetched fetched = fetch(cli, List.of(profile), mfa, request);
        ProfileResult r = fetched.result().results().get(FleetResult.keyOf(profile));
        if (r instanceof ProfileResult.Succeeded ok) {
            return ok.credentials().credentials();
        }
        ProfileResult.Failed f = (ProfileResult.Failed) r;
        throw new StsCallException(f.code(), "profile " + f.profile() + ": " + f.message());
    }

    /**
     * What {@link #single} got: the credentials and, when the cache served or stored them, where (so the command
     * can leave a {@link FastPath} memo that is valid exactly while the entry and the profile files are unchanged).
     */
    public record Single(TemporaryCredentials credentials, StateDirectory state, Path cacheFile,
                         ProfileLocations files, List<Path> alsoRead) {
        /**
         * Leaves a memo of {@code output} (what the command printed, or what it handed a child) for the next
         * identical invocation; nothing when the cache was bypassed.
         */
        public void remember(CommandContext cli, List<String> originalArgs, String output) {
            if (cacheFile == null) {
                return;
            }
            List<Path> read = new ArrayList<>(List.of(files.configFile(), files.credentialsFile(), cacheFile));
            read.addAll(alsoRead); // an Identity Center role's: the sign-in's token file
            FastPath.remember(originalArgs, cli.context().environment(), Path.of("").toAbsolutePath(), read,
                    credentials.expiration(), output, (file, content) -> {
                        state.subdirectory(FastPath.SUBDIRECTORY);
                        state.write(file, content);
                    });
        }
    }
}
