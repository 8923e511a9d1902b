package dev.stsfleet.cli;

import dev.stsfleet.FleetResult;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.store.SessionTokenCache;
import dev.stsfleet.store.StateDirectory;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way {@code env}, {@code exec}, {@code write}, {@code credential-process} and {@code login} get
 * role credentials: read the profiles, and when a role needs MFA reuse the cached MFA session token of its
 * source profile (made by {@code session-token}, {@code generate} or an earlier prompt), else ask for a
 * code and cache the new session; then assume the roles. Also where MFA session tokens are saved.
 *
 * <p>The state directory comes from the command's context ({@code STSFLEET_HOME}, else
 * {@code $HOME/.stsfleet}), never from the real process environment, so tests stay isolated.
 */
public final class Credentials {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

    private Credentials() {
    }

    /** What {@link #fetch} got: the result per profile, and the MFA session used, if any. */
    public record Fetched(FleetResult result, List<RoleProfile> roles, ProfileCatalog catalog,
                          SessionToken session, String region) {
        /**
         * Whether {@code role}'s credentials came from role chaining: assumed with temporary credentials
         * (the MFA session, or another role's credentials).
         */
        public boolean roleChained(RoleProfile role) {
            return Credentials.roleChained(catalog, role, session == null ? null : session.sourceProfile());
        }
    }

    /** Where the AWS files are for this command: its options, else the context's variables, else ~/.aws. */
    public static ProfileLocations locations(RootCommand root) {
        return ProfileLocations.resolve(root.global().configFile(), root.global().credentialsFile(),
                root.context().environment());
    }

    /** The config file the fleet reads: {@code --config-file}, {@code AWS_CONFIG_FILE}, {@code ~/.aws/config}. */
    public static Path configFile(RootCommand root) {
        return locations(root).configFile();
    }

    /**
     * The credentials file the fleet reads (and {@code write} and {@code keep-fresh} edit):
     * {@code --credentials-file}, {@code AWS_SHARED_CREDENTIALS_FILE}, {@code ~/.aws/credentials}.
     */
    public static Path credentialsFile(RootCommand root) {
        return locations(root).credentialsFile();
    }

    /**
     * The profiles of the config and credentials files, as {@link StsFleet} reads them, without creating
     * any STS client (the fast path of {@code credential-process} needs only this).
     */
    public static ProfileCatalog catalog(RootCommand root) {
        return ProfileCatalog.of(locations(root).read());
    }

    /** The STS endpoint in words, for cache keys: the option, the variables, else AWS's. */
    public static String endpointLabel(RootCommand root) {
        String e = root.global().endpointUrl();
        if (e == null) {
            e = root.context().env("AWS_ENDPOINT_URL_STS");
        }
        if (e == null) {
            e = root.context().env("AWS_ENDPOINT_URL");
        }
        return e == null ? "aws" : e.trim();
    }

    /** The state directory: {@code override}, else {@code STSFLEET_HOME}, else {@code $HOME/.stsfleet}. */
    public static StateDirectory stateDirectory(CliContext context, Path override) {
        if (override != null) {
            return StateDirectory.open(override);
        }
        String fromEnv = context.env(StateDirectory.ENV_VARIABLE);
        if (fromEnv != null) {
            return StateDirectory.open(Path.of(fromEnv));
        }
        String home = context.env("HOME");
        return StateDirectory.open(Path.of(home != null ? home : System.getProperty("user.home"), ".stsfleet"));
    }

    public static SessionTokenCache sessionTokens(CliContext context) {
        return SessionTokenCache.builder().stateDirectory(stateDirectory(context, null)).clock(context.clock()).build();
    }

    /**
     * Saves an MFA session token so later commands ({@code credential-process}, {@code env}, ...) need no
     * new code while it lasts. Best effort: a state directory that cannot be used is a warning.
     */
    public static void remember(RootCommand root, SessionToken token, Output output) {
        if (!token.withMfa()) {
            return;
        }
        try {
            sessionTokens(root.context()).put(token);
            LOG.debug("saved the MFA session of profile {} for later commands", token.sourceProfile());
        } catch (RuntimeException e) {
            output.warn("the MFA session was not saved for later commands: " + e.getMessage());
        }
    }

    /**
     * Credentials for the named role profiles (validated first: any problem is an
     * {@link dev.stsfleet.InvalidInputException} before any call).
     *
     * @param commandHint what to tell a user without a terminal when a code is needed, or {@code null}
     */
    public static Fetched fetch(RootCommand root, Collection<String> names, MfaOptions mfa, String commandHint) {
        ProfileCatalog catalog = catalog(root);
        List<RoleProfile> roles = catalog.select(names);
        Optional<RoleProfile> needsMfa = roles.stream().filter(RoleProfile::requiresMfa).findFirst();
        StsFleet.Builder builder = FleetFactory.builder(root);
        String source = sessionSource(root, roles);
        if (source != null) {
            builder.sourceProfile(source);
        }
        try (StsFleet fleet = builder.build()) {
            SessionToken session = null;
            if (needsMfa.isPresent()) {
                String device = needsMfa.get().mfaSerial();
                fleet.checkSessionRequest(null, null);
                CliContext context = root.context();
                SessionTokenCache cache = sessionTokens(context);
                String hint = commandHint != null ? commandHint
                        : "or run 'stsfleet session-token --profile " + fleet.sourceProfile()
                        + "' first: its MFA session serves later commands until it ends";
                session = cache.getOrLoad(fleet.sourceProfile(), device, () -> {
                    String code = mfa.code(context, device, hint);
                    return fleet.sessionToken(null, device, code);
                });
                fleet.useSession(session);
                LOG.debug("profile {}: roles are assumed with its MFA session (until {})", session.sourceProfile(),
                        TemporaryCredentials.isoUtc(session.end()));
            }
            FleetResult result = fleet.generateCredentials(List.copyOf(names));
            return new Fetched(result, roles, catalog, session, fleet.region());
        }
    }

    /**
     * The profile whose session serves the roles: {@code --profile}, else the source of the first role
     * that needs MFA (so {@code AWS_PROFILE}, often unset when the AWS CLI runs us, does not matter), else
     * {@code null} for the fleet's default.
     */
    static String sessionSource(RootCommand root, List<RoleProfile> roles) {
        if (root.global().profile() != null) {
            return root.global().profile();
        }
        return roles.stream().filter(RoleProfile::requiresMfa).map(RoleProfile::credentialSource)
                .filter(Objects::nonNull).findFirst()
                .orElse(null);
    }

    /**
     * Whether a role is assumed with temporary credentials: its source is another role, or an MFA session
     * of its source profile is in use.
     */
    public static boolean roleChained(ProfileCatalog catalog, RoleProfile role, String sessionSource) {
        boolean sourcedByRole = role.sourceProfile() != null && !role.sourceProfile().equals(role.name())
                && catalog.isRoleProfile(role.sourceProfile());
        return sourcedByRole || (sessionSource != null && sessionSource.equals(role.credentialSource()));
    }

    /**
     * Whether {@link #fetch} would assume {@code role} with temporary credentials, known before any call:
     * when any selected role needs MFA, the session of its source serves every role of that source.
     */
    public static boolean roleChainedBeforeFetch(RootCommand root, ProfileCatalog catalog, List<RoleProfile> roles,
                                                 RoleProfile role) {
        boolean session = roles.stream().anyMatch(RoleProfile::requiresMfa);
        String source = session ? sessionSource(root, roles) : null;
        if (session && source == null) {
            source = root.context().env("AWS_PROFILE") != null ? root.context().env("AWS_PROFILE") : "default";
        }
        return roleChained(catalog, role, source);
    }
}
