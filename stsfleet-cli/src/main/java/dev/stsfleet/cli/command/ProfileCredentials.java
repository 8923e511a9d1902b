package dev.stsfleet.cli.command;

import dev.stsfleet.RequestOptions;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.RoleProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials {@code env} and {@code exec} hand out for one profile: a role profile's role credentials (as
 * the plan decides), or, for a profile with long-term keys (an IAM user), its session: the cached MFA session
 * when one lasts a few more minutes, else a new one (one MFA code), stored in the cache every command shares.
 * With the region the profile (or a profile its chain goes through) names, for {@code AWS_REGION}.
 *
 * @param credentials the temporary credentials
 * @param region      {@code --region}, else the profile's or its chain's {@code region}; {@code null} if none
 * @param kind        "role", "session" or "Identity Center role", for messages
 */
record ProfileCredentials(TemporaryCredentials credentials, String region, String kind, Credentials.Single single) {
    /** A session with less left than this is not handed out: a new one is made. */
    static final Duration MIN_LEFT = Duration.ofMinutes(5);

    static ProfileCredentials of(CommandContext cli, String profile, MfaOptions mfa, RequestOptions request,
                                 CacheOptions cache) {
        return of(cli, Credentials.catalog(cli), profile, mfa, request, cache);
    }

    /** {@link #of(CommandContext, String, MfaOptions, RequestOptions, CacheOptions)} with the files already read. */
    static ProfileCredentials of(CommandContext cli, ProfileCatalog catalog, String profile, MfaOptions mfa,
                                 RequestOptions request, CacheOptions cache) {
        if (!catalog.isRoleProfile(profile) && !catalog.isSamlProfile(profile) && catalog.keys(profile).isPresent()) {
            if (!catalog.longTermKeyProfiles().contains(profile)) {
                throw new UsageException(ProfileCatalog.temporaryKeysProblem(profile));
            }
            if (!request.isEmpty()) {
                throw new UsageException("--source-identity, --tag, --transitive-tag, --policy-arn and --policy apply to "
                        + "role profiles; profile " + profile + " is an IAM user's (its session is a GetSessionToken)");
            }
            return new ProfileCredentials(userSession(cli, profile, mfa), region(cli, catalog, profile),
                    "session", null);
        }
        if (catalog.isSsoProfile(profile)) {
            if (!request.isEmpty()) {
                throw new UsageException("--source-identity, --tag, --transitive-tag, --policy-arn and --policy apply to "
                        + "role profiles; profile " + profile + " is an IAM Identity Center profile (its credentials "
                        + "come from the portal)");
            }
            // From the role cache while the sign-in is the same, else one portal call and no STS call: one
            // connection is all it needs (and the lighter client with it).
            Credentials.Single single = Credentials.identityCenter(cli, catalog, profile, cache, () -> {
                try (StsFleet fleet = FleetFactory.builder(cli).concurrency(1).build()) {
                    return fleet.identityCenterCredentials(profile);
                }
            });
            return new ProfileCredentials(single.credentials(), region(cli, catalog, profile),
                    "Identity Center role", single);
        }
        // The role-credential cache every single-role command shares (the plan decides how a miss is assumed).
        Credentials.Single single = Credentials.single(cli, profile, mfa, request, cache);
        return new ProfileCredentials(single.credentials(), region(cli, catalog, profile), "role", single);
    }

    /**
     * The region of {@code profile}'s credentials: {@code --region}, else the first {@code region} of the profile
     * or a profile its chain goes through; {@code null} if none. Read from the files only.
     */
    static String region(CommandContext cli, ProfileCatalog catalog, String profile) {
        List<String> chain = new ArrayList<>(List.of(profile));
        Optional<RoleProfile> role = catalog.roleProfile(profile);
        if (role.isPresent()) {
            for (Optional<RoleProfile> p = catalog.parentRole(role.get()); p.isPresent();
                    p = catalog.parentRole(p.get())) {
                if (chain.contains(p.get().name())) {
                    break;
                }
                chain.add(p.get().name());
            }
            if (role.get().credentialSource() != null) {
                chain.add(role.get().credentialSource());
            }
        }
        return region(cli, catalog, chain);
    }

    /** Leaves a fast-path memo of {@code output} for the next identical call, when the role cache served it. */
    void remember(CommandContext cli, List<String> originalArgs, String output) {
        if (single != null) {
            single.remember(cli, originalArgs, output);
        }
    }

    /** The session of a profile with long-term keys: cached, else GetSessionToken (with MFA when it has a device). */
    private static TemporaryCredentials userSession(CommandContext cli, String profile, MfaOptions mfa) {
        try (StsFleet fleet = FleetFactory.builder(cli).sourceProfile(profile).build()) {
            String device = fleet.mfaSerialOf(profile).orElse(null);
            if (device == null && mfa.given()) {
                throw new UsageException("--mfa-code was given but profile " + profile + " has no mfa_serial");
            }
            Optional<SessionToken> cached = fleet.usableSession(profile, device, MIN_LEFT);
            if (cached.isPresent()) {
                return cached.get().credentials();
            }
            String code = device == null ? null : mfa.code(cli.context(), device, profile, false);
            return fleet.sessionToken(null, device, code).credentials();
        }
    }

    private static String region(CommandContext cli, ProfileCatalog catalog, List<String> chain) {
        if (cli.global().region() != null) {
            return cli.global().region();
        }
        for (String p : chain) {
            Optional<String> r = catalog.property(p, "region").filter(s -> !s.isEmpty());
            if (r.isPresent()) {
                return r.get();
            }
        }
        return null;
    }

    /** {@code AWS_REGION} and {@code AWS_DEFAULT_REGION} when a region is known, else nothing. */
    Map<String, String> regionVariables() {
        Map<String, String> vars = new LinkedHashMap<>();
        if (region != null) {
            vars.put("AWS_REGION", region);
            vars.put("AWS_DEFAULT_REGION", region);
        }
        return vars;
    }
}
