package dev.stsfleet.profile;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which sources, MFA devices, sessions and calls serve a selection of role profiles, decided before any
 * call by {@link CredentialPlanner}: the one place that decides it. Each role resolves its own
 * {@code source_profile} chain to a root, a profile with long-term keys; roots are grouped by (profile, MFA
 * device): a root whose roles need MFA gets one MFA session (cached, or one GetSessionToken with one code)
 * and every role under it is assumed with it; a root without MFA signs with its keys. Immutable.
 *
 * @param sources the roots, in the order their first role was selected
 * @param roles   the selected roles, in request order
 */
public record CredentialPlan(List<Source> sources, List<Role> roles) {
    public CredentialPlan {
        sources = List.copyOf(sources);
        roles = List.copyOf(roles);
    }

    /** How the first hop of a root's roles is signed. */
    public enum Session {
        /** the root profile's long-term keys */
        KEYS,
        /** a session made earlier and still good (this process, or the on-disk session cache) */
        CACHED,
        /** a new GetSessionToken with MFA, its code given with the request */
        NEW_WITH_CODE,
        /** a new GetSessionToken with MFA, its code asked for at a prompt */
        NEW_WITH_PROMPT,
        /** a web identity session: AssumeRoleWithWebIdentity with the token file, read again at each refresh */
        WEB_IDENTITY,
        /** {@code credential_source = Environment}: the environment's credentials */
        ENVIRONMENT,
        /** {@code credential_source = Ec2InstanceMetadata}: the instance role's credentials (IMDSv2) */
        EC2_INSTANCE_METADATA,
        /** {@code credential_source = EcsContainer}: the container credentials endpoint's */
        ECS_CONTAINER,
        /** a {@code credential_process} profile: the program's credentials, fetched again when they expire */
        CREDENTIAL_PROCESS,
        /** the root is an IAM Identity Center profile: its role credentials from the portal (GetRoleCredentials) */
        IDENTITY_CENTER;

        /** How the first hop of a root of this kind is signed (not {@link RootProfile.Kind#KEYS}: that depends on MFA). */
        public static Session of(RootProfile.Kind kind) {
            return switch (kind) {
                case KEYS -> KEYS;
                case WEB_IDENTITY -> WEB_IDENTITY;
                case ENVIRONMENT -> ENVIRONMENT;
                case EC2_INSTANCE_METADATA -> EC2_INSTANCE_METADATA;
                case ECS_CONTAINER -> ECS_CONTAINER;
                case CREDENTIAL_PROCESS -> CREDENTIAL_PROCESS;
            };
        }

        /** Whether the root is a credentials source of its own (not long-term keys nor an MFA session). */
        public boolean ownSource() {
            return ordinal() > NEW_WITH_PROMPT.ordinal();
        }
    }

    /**
     * One root.
     *
     * @param profile    the profile with long-term keys
     * @param mfaSerial  the MFA device its roles need, or {@code null}
     * @param session    how its roles' first hop is signed
     * @param sessionEnd when the cached session ends ({@link Session#CACHED} only), else {@code null}
     * @param roles      the selected role profiles under it, in request order
     */
    public record Source(String profile, String mfaSerial, Session session, Instant sessionEnd, List<String> roles) {
        public Source {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(session, "session");
            roles = List.copyOf(roles);
        }

        public boolean withMfa() {
            return mfaSerial != null;
        }

        /** Whether running the plan makes a GetSessionToken call for this root. */
        public boolean newSession() {
            return session == Session.NEW_WITH_CODE || session == Session.NEW_WITH_PROMPT;
        }

        /** Whether its roles are assumed with temporary credentials (a session) rather than long-term keys. */
        public boolean withSession() {
            return session != Session.KEYS;
        }
    }

    /**
     * One selected role.
     *
     * @param profile   the role profile
     * @param roleArn   its role
     * @param source    its root profile (see {@link Source#profile()})
     * @param mfaSerial its root's MFA device, or {@code null}
     * @param via       the role profiles assumed before it, root side first (empty: assumed from the root)
     * @param chained   whether it is assumed with temporary credentials (a session or another role's), so AWS
     *                  caps its session at one hour
     */
    public record Role(String profile, String roleArn, String source, String mfaSerial, List<String> via,
                       boolean chained) {
        public Role {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(roleArn, "roleArn");
            Objects.requireNonNull(source, "source");
            via = List.copyOf(via);
        }
    }

    /** The root serving {@code profile}, if it is one of the plan's roles. */
    public Optional<Source> sourceOf(String profile) {
        for (Role r : roles) {
            if (r.profile().equals(profile)) {
                return sources.stream().filter(s -> s.profile().equals(r.source())
                        && Objects.equals(s.mfaSerial(), r.mfaSerial())).findFirst();
            }
        }
        return Optional.empty();
    }

    /** The plan's role of that profile, if selected. */
    public Optional<Role> role(String profile) {
        return roles.stream().filter(r -> r.profile().equals(profile)).findFirst();
    }

    /** How many GetSessionToken calls running the plan makes. */
    public int sessionTokenCalls() {
        return (int) sources.stream().filter(Source::newSession).count();
    }

    /** How many AssumeRoleWithWebIdentity calls running the plan makes: one per web identity root. */
    public int webIdentityCalls() {
        return (int) sources.stream().filter(s -> s.session() == Session.WEB_IDENTITY).count();
    }

    /** How many AssumeRole calls running the plan makes: every selected role and every role on its way, once. */
    public int assumeRoleCalls() {
        Set<String> all = new LinkedHashSet<>();
        for (Role r : roles) {
            all.addAll(r.via());
            all.add(r.profile());
        }
        return all.size();
    }

    /** The MFA devices whose code the plan needs (given or prompted), in order. */
    public List<String> devicesNeedingCodes() {
        return sources.stream().filter(Source::newSession).map(Source::mfaSerial).distinct().toList();
    }

    /** The plan in words, one line each: a summary, then each source with its roles (at most 10 named). */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("plan: %d role profile%s from %d source%s; %d GetSessionToken call%s, %d AssumeRole call%s",
                roles.size(), roles.size() == 1 ? "" : "s", sources.size(), sources.size() == 1 ? "" : "s",
                sessionTokenCalls(), sessionTokenCalls() == 1 ? "" : "s", assumeRoleCalls(),
                assumeRoleCalls() == 1 ? "" : "s")
                + (webIdentityCalls() == 0 ? "" : ", " + webIdentityCalls() + " AssumeRoleWithWebIdentity call"
                        + (webIdentityCalls() == 1 ? "" : "s")));
        for (Source s : sources) {
            String how = switch (s.session()) {
                case KEYS -> "its long-term keys";
                case CACHED -> (s.withMfa() ? "its cached MFA session" : "its session") + " (until "
                        + DateTimeFormatter.ISO_INSTANT.format(s.sessionEnd().truncatedTo(ChronoUnit.SECONDS)) + ")";
                case NEW_WITH_CODE -> "a new MFA session (GetSessionToken, code given)";
                case NEW_WITH_PROMPT -> "a new MFA session (GetSessionToken, code asked for)";
                case WEB_IDENTITY -> "its web identity session (AssumeRoleWithWebIdentity with its token file)";
                case ENVIRONMENT -> "the environment's credentials (credential_source = Environment)";
                case EC2_INSTANCE_METADATA -> "the EC2 instance role's credentials (credential_source = Ec2InstanceMetadata)";
                case ECS_CONTAINER -> "the container's credentials (credential_source = EcsContainer)";
                case CREDENTIAL_PROCESS -> "the credentials of its credential_process";
                case IDENTITY_CENTER -> "its IAM Identity Center role credentials (GetRoleCredentials, role chaining)";
            };
            lines.add("source " + s.profile() + (s.withMfa() ? ", MFA device " + s.mfaSerial()
                    : s.session().ownSource() ? "" : ", no MFA") + ": "
                    + s.roles().size() + " role" + (s.roles().size() == 1 ? "" : "s") + " assumed with " + how);
            List<String> named = s.roles().subList(0, Math.min(10, s.roles().size()));
            lines.add("  " + String.join(" ", named) + (s.roles().size() > named.size()
                    ? " ... (" + (s.roles().size() - named.size()) + " more)" : ""));
        }
        for (Role r : roles) {
            if (!r.via().isEmpty()) {
                lines.add("role " + r.profile() + ": via " + String.join(" -> ", r.via()));
            }
        }
        return lines;
    }
}
