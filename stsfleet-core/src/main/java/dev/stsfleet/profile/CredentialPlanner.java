package dev.stsfleet.profile;

import dev.stsfleet.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes the {@link CredentialPlan} of a selection: every problem of the selection and of the MFA codes at
 * once, before any call. Pure: what it knows of sessions and codes it is told. Stateless and thread-safe.
 */
public final class CredentialPlanner {
    private static final Pattern MFA_CODE = Pattern.compile("\\d{6}");

    private CredentialPlanner() {
    }

    /** What the planner is told of sessions: a usable session of a root, by (profile, device), with its end. */
    @FunctionalInterface
    public interface Sessions {
        /**
         * The end of a session of {@code profile} made with {@code mfaSerial} that is good enough for this run,
         * if there is one.
         *
         * @param mfaSerial the device, or {@code null} for a session without MFA
         */
        Optional<Instant> usable(String profile, String mfaSerial);

        Sessions NONE = (profile, serial) -> Optional.empty();
    }

    /**
     * What the planner is told of MFA codes.
     *
     * @param byDevice  codes given per device (ARN or serial)
     * @param anyDevice a code given without a device, for the one device that needs a code; or {@code null}
     * @param canPrompt whether a missing code can be asked for (a terminal)
     * @param hint      what to tell a user whose code is missing and cannot be asked for ({@code {profile}} stands for
     *                  the source profiles concerned), or {@code null}
     */
    public record Codes(Map<String, String> byDevice, String anyDevice, boolean canPrompt, String hint) {
        public Codes {
            byDevice = Map.copyOf(byDevice);
        }

        public static final Codes NONE = new Codes(Map.of(), null, false, null);

        /** Whether any code was given. */
        public boolean given() {
            return anyDevice != null || !byDevice.isEmpty();
        }

        /** The problems of the codes themselves: never echoing a code. */
        List<String> syntaxProblems() {
            List<String> problems = new ArrayList<>();
            if (anyDevice != null && !MFA_CODE.matcher(anyDevice).matches()) {
                problems.add("the MFA code must be exactly 6 digits");
            }
            byDevice.forEach((device, code) -> {
                if (device.isBlank()) {
                    problems.add("an MFA code was given for an empty device (use DEVICE=CODE)");
                } else if (code == null || !MFA_CODE.matcher(code).matches()) {
                    problems.add("the MFA code for " + device + " must be exactly 6 digits");
                }
            });
            return problems;
        }
    }

    /**
     * The plan of {@code names}.
     *
     * @throws InvalidInputException listing every problem: of the selection (unknown profiles, broken
     *                               chains, ...), of the codes, and every MFA device whose code is missing and
     *                               cannot be asked for
     */
    public static CredentialPlan plan(ProfileCatalog catalog, Collection<String> names, Sessions sessions,
                                      Codes codes) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(codes, "codes");
        List<String> problems = new ArrayList<>();
        List<RoleProfile> roles = null;
        try {
            roles = catalog.select(names);
        } catch (InvalidInputException e) {
            problems.addAll(e.problems());
        }
        problems.addAll(codes.syntaxProblems());
        if (roles == null) {
            throw new InvalidInputException(problems);
        }
        return plan(catalog, roles, sessions, codes, problems);
    }

    /** The plan of roles already selected (validated by {@link ProfileCatalog#select}). */
    public static CredentialPlan planSelected(ProfileCatalog catalog, List<RoleProfile> roles, Sessions sessions,
                                              Codes codes) {
        return plan(catalog, roles, sessions, codes, new ArrayList<>(codes.syntaxProblems()));
    }

    private static CredentialPlan plan(ProfileCatalog catalog, List<RoleProfile> roles, Sessions sessions,
                                       Codes codes, List<String> problems) {
        // Roots by (profile, device), in the order of their first role.
        record Root(String profile, String device) {
        }
        Map<Root, List<String>> rootRoles = new LinkedHashMap<>();
        List<CredentialPlan.Role> planned = new ArrayList<>();
        Map<String, Root> rootOf = new LinkedHashMap<>();
        for (RoleProfile role : roles) {
            String source = Objects.requireNonNull(role.credentialSource(), "a selected role has a source");
            Root root = new Root(source, role.mfaSerial());
            rootRoles.computeIfAbsent(root, r -> new ArrayList<>()).add(role.name());
            rootOf.put(role.name(), root);
        }
        Map<Root, CredentialPlan.Source> sources = new LinkedHashMap<>();
        List<Root> needCode = new ArrayList<>();
        for (Map.Entry<Root, List<String>> e : rootRoles.entrySet()) {
            Root root = e.getKey();
            RootProfile.Kind kind = catalog.root(root.profile()).map(RootProfile::kind).orElse(RootProfile.Kind.KEYS);
            if (kind != RootProfile.Kind.KEYS) {
                // A root that is a credentials source of its own: no MFA session is made from it.
                if (root.device() != null) {
                    problems.add("MFA device " + root.device() + " is named for roles of source " + root.profile()
                            + ", whose credentials come from its " + kind.words() + ": no MFA session can be made from it");
                }
                sources.put(root, new CredentialPlan.Source(root.profile(), root.device(), CredentialPlan.Session.of(kind),
                        null, e.getValue()));
                continue;
            }
            Optional<Instant> usable = sessions.usable(root.profile(), root.device());
            boolean codeGiven = root.device() != null && codes.byDevice().containsKey(root.device());
            CredentialPlan.Session how;
            if (codeGiven) {
                how = CredentialPlan.Session.NEW_WITH_CODE;
            } else if (usable.isPresent()) {
                how = CredentialPlan.Session.CACHED;
            } else if (root.device() == null) {
                how = catalog.isSsoProfile(root.profile()) ? CredentialPlan.Session.IDENTITY_CENTER
                        : CredentialPlan.Session.KEYS;
            } else {
                how = null; // decided below, once the device-less code is placed
                needCode.add(root);
            }
            sources.put(root, how == null ? null : new CredentialPlan.Source(root.profile(), root.device(), how,
                    how == CredentialPlan.Session.CACHED ? usable.get() : null, e.getValue()));
        }
        // A code given without a device serves the one device that needs a code; with a single MFA device in
        // the plan it serves that device even over a cached session (the user asked for a new one).
        List<String> devices = rootRoles.keySet().stream().map(Root::device).filter(Objects::nonNull).distinct().toList();
        if (codes.anyDevice() != null) {
            List<String> wanting = needCode.stream().map(Root::device).distinct().toList();
            String target = devices.size() == 1 ? devices.get(0) : wanting.size() == 1 ? wanting.get(0) : null;
            if (target == null && !devices.isEmpty()) {
                problems.add("--mfa-code CODE is ambiguous: " + wanting.size() + " MFA devices need a code ("
                        + String.join(", ", wanting) + "); give each as --mfa-code DEVICE=CODE");
            }
            if (target != null) {
                for (Map.Entry<Root, CredentialPlan.Source> e : sources.entrySet()) {
                    if (target.equals(e.getKey().device())) {
                        needCode.remove(e.getKey());
                        e.setValue(new CredentialPlan.Source(e.getKey().profile(), target,
                                CredentialPlan.Session.NEW_WITH_CODE, null, rootRoles.get(e.getKey())));
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> missingSources = new ArrayList<>();
        for (Root root : needCode) {
            if (codes.canPrompt()) {
                sources.put(root, new CredentialPlan.Source(root.profile(), root.device(),
                        CredentialPlan.Session.NEW_WITH_PROMPT, null, rootRoles.get(root)));
            } else {
                missingSources.add(root.profile());
                missing.add(root.device() + " (source profile " + root.profile() + ", " + rootRoles.get(root).size()
                        + " role" + (rootRoles.get(root).size() == 1 ? "" : "s") + ")");
            }
        }
        if (!missing.isEmpty()) {
            problems.add("an MFA code is needed for " + String.join(" and ", missing)
                    + ": none was given, no MFA session is cached, and there is no terminal to ask on"
                    + (codes.hint() == null ? "" : "; " + codes.hint().replace("{profile}",
                            String.join("' and 'stsfleet session-token --profile ", missingSources.stream().distinct().toList()))));
        }
        // A code is single-use: one device cannot serve two sources' new sessions.
        Map<String, List<String>> newByDevice = new LinkedHashMap<>();
        sources.values().stream().filter(s -> s != null && s.newSession())
                .forEach(s -> newByDevice.computeIfAbsent(s.mfaSerial(), d -> new ArrayList<>()).add(s.profile()));
        newByDevice.forEach((device, profiles) -> {
            if (profiles.size() > 1) {
                problems.add("MFA device " + device + " would need one code for each of the source profiles "
                        + String.join(", ", profiles) + ", but a code is single-use: select one source's roles per run");
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        for (RoleProfile role : roles) {
            Root root = rootOf.get(role.name());
            List<String> via = via(catalog, role);
            boolean chained = !via.isEmpty() || sources.get(root).withSession();
            planned.add(new CredentialPlan.Role(role.name(), role.roleArn(), root.profile(), root.device(), via, chained));
        }
        return new CredentialPlan(List.copyOf(sources.values()), planned);
    }

    /** The role profiles assumed before {@code role}, root side first. */
    static List<String> via(ProfileCatalog catalog, RoleProfile role) {
        List<String> up = new ArrayList<>();
        Optional<RoleProfile> parent = catalog.parentRole(role);
        Set<String> seen = new java.util.HashSet<>(Set.of(role.name()));
        while (parent.isPresent() && seen.add(parent.get().name())) {
            up.add(0, parent.get().name());
            parent = catalog.parentRole(parent.get());
        }
        return up;
    }
}
