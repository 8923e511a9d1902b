package dev.stsfleet.cli;

import dev.stsfleet.FleetResult;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.profile.CredentialPlan;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.store.SessionTokenCache;
import dev.stsfleet.store.StateDirectory;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

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
     * The profiles of the config and credentials files, as the command's fleet reads them (roles naming no source
     * served by {@code --profile} or {@code AWS_PROFILE}), without creating any STS client.
     */
    public static ProfileCatalog catalog(RootCommand root) {
        String source = root.global().profile() != null ? root.global().profile() : root.context().env("AWS_PROFILE");
        return ProfileCatalog.of(locations(root).read(), source);
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

    /** The MFA session cache every command shares. */
    public static SessionTokenCache sessionTokens(CliContext context) {
        return SessionTokenCache.builder().stateDirectory(stateDirectory(context, null)).clock(context.clock()).build();
    }

    /** Credentials for the named role profiles; see {@link #fetch(RootCommand, Collection, MfaOptions, Consumer)}. */
    public static Fetched fetch(RootCommand root, Collection<String> names, MfaOptions mfa) {
        return fetch(root, names, mfa, plan -> { });
    }

    /**
     * Credentials for the named role profiles: planned first (any problem is an
     * {@link dev.stsfleet.InvalidInputException} before any call), then {@code check} sees the plan (and may
     * refuse it, still before any call), then the fleet generates them.
     */
    public static Fetched fetch(RootCommand root, Collection<String> names, MfaOptions mfa,
                                Consumer<CredentialPlan> check) {
        try (StsFleet fleet = FleetFactory.builder(root, mfa).build()) {
            CredentialPlan plan = fleet.plan(List.copyOf(names));
            check.accept(plan);
            FleetResult result = fleet.generateCredentials(List.copyOf(names));
            return new Fetched(result, plan, fleet.catalog(), fleet.region());
        }
    }
}
