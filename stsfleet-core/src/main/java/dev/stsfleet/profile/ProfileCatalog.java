package dev.stsfleet.profile;

import dev.stsfleet.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The profiles of one (usually aggregated) AWS profile file, with every role profile's source chain
 * resolved: {@code role -> role -> ... -> profile with long-term keys}. Immutable and thread-safe.
 *
 * <p>The SDK parses the files; this class adds what the SDK ignores ({@code mfa_serial} inherited up the
 * chain, {@code duration_seconds}) and the validation a bulk call needs before any network call.
 */
public final class ProfileCatalog {
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws[-a-z]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    static final int MIN_DURATION = 900;
    static final int MAX_DURATION = 43_200;

    private final Map<String, Profile> profiles;
    private final Map<String, Resolved> roles;

    private ProfileCatalog(ProfileFile file) {
        this.profiles = Collections.unmodifiableMap(new TreeMap<>(file.profiles()));
        Map<String, Resolved> resolved = new TreeMap<>();
        profiles.values().stream()
                .filter(ProfileCatalog::isRole)
                .forEach(p -> resolved.put(p.name(), resolve(p)));
        this.roles = Collections.unmodifiableMap(resolved);
    }

    /** A catalog of the profiles of an SDK profile file (for example an aggregate of config and credentials). */
    public static ProfileCatalog of(ProfileFile file) {
        return new ProfileCatalog(Objects.requireNonNull(file, "file"));
    }

    /** Every profile name, sorted. */
    public Set<String> profileNames() {
        return profiles.keySet();
    }

    /**
     * Every profile that has a {@code role_arn}, sorted by name, resolved leniently: a broken chain
     * leaves {@link RoleProfile#credentialSource()} {@code null}, a malformed {@code duration_seconds}
     * is {@code null}. {@link #select} reports those problems.
     */
    public Map<String, RoleProfile> roleProfiles() {
        Map<String, RoleProfile> out = new TreeMap<>();
        roles.forEach((name, r) -> out.put(name, r.profile));
        return Collections.unmodifiableMap(out);
    }

    /** The role profile of that name, if the name is a role profile. */
    public Optional<RoleProfile> roleProfile(String name) {
        return Optional.ofNullable(roles.get(name)).map(r -> r.profile);
    }

    /** A property of a profile as written, e.g. {@code region}. */
    public Optional<String> property(String profile, String key) {
        return Optional.ofNullable(profiles.get(profile)).flatMap(p -> p.property(key)).map(String::trim);
    }

    public boolean contains(String profile) {
        return profiles.containsKey(profile);
    }

    public boolean isRoleProfile(String profile) {
        return roles.containsKey(profile);
    }

    /**
     * The long-term keys of a profile ({@code aws_access_key_id}, {@code aws_secret_access_key}, and
     * {@code aws_session_token} if present), or empty when it has none.
     */
    public Optional<AwsCredentials> keys(String profile) {
        Profile p = profiles.get(profile);
        if (p == null || !hasKeys(p)) {
            return Optional.empty();
        }
        String id = p.property("aws_access_key_id").orElseThrow().trim();
        String secret = p.property("aws_secret_access_key").orElseThrow().trim();
        Optional<String> token = p.property("aws_session_token").map(String::trim).filter(s -> !s.isEmpty());
        return Optional.of(token.<AwsCredentials>map(t -> AwsSessionCredentials.create(id, secret, t))
                .orElseGet(() -> AwsBasicCredentials.create(id, secret)));
    }

    /**
     * Validates a selection of role profiles and returns them in request order. Every problem is
     * collected (duplicates, unknown names with a suggestion, non-role profiles, malformed values,
     * broken or cyclic chains) and reported together.
     *
     * @throws InvalidInputException listing every problem
     */
    public List<RoleProfile> select(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        List<String> problems = new ArrayList<>();
        List<RoleProfile> selected = new ArrayList<>();
        if (names.isEmpty()) {
            problems.add("no profile selected");
        }
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                problems.add("an empty profile name was given");
                continue;
            }
            if (!seen.add(name)) {
                duplicates.add(name);
                continue;
            }
            Resolved r = roles.get(name);
            if (r != null) {
                problems.addAll(r.problems);
                selected.add(r.profile);
            } else if (profiles.containsKey(name)) {
                problems.add("profile " + name + " is not a role profile (it has no role_arn)");
            } else {
                problems.add("unknown profile " + name + suggestion(name));
            }
        }
        duplicates.forEach(d -> problems.add("profile " + d + " is named more than once"));
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(selected);
    }

    @Override
    public String toString() {
        return "ProfileCatalog[profiles=" + profiles.size() + ", roleProfiles=" + roles.size() + "]";
    }

    private String suggestion(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        // Role profiles first: they are what a selection asks for.
        List<String> candidates = new ArrayList<>(roles.keySet());
        candidates.addAll(profiles.keySet());
        for (String candidate : candidates) {
            int d = candidate.equalsIgnoreCase(name) ? 0 : distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, name.length() / 4);
        return best != null && bestDistance <= allowed ? " (did you mean " + best + "?)" : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static boolean isRole(Profile p) {
        return p.property("role_arn").isPresent();
    }

    private static boolean hasKeys(Profile p) {
        return p.property("aws_access_key_id").filter(s -> !s.isBlank()).isPresent()
                && p.property("aws_secret_access_key").filter(s -> !s.isBlank()).isPresent();
    }

    private static Optional<String> prop(Profile p, String key) {
        return p.property(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** One role profile, resolved as far as possible, and what is wrong with it. */
    private record Resolved(RoleProfile profile, List<String> problems) {
    }

    private Resolved resolve(Profile role) {
        String name = role.name();
        List<String> problems = new ArrayList<>();
        String roleArn = prop(role, "role_arn").orElse("");
        Integer duration = checkOwnValues(role, "profile " + name, problems);
        String mfaSerial = prop(role, "mfa_serial").orElse(null);

        // Follow source_profile until a profile with long-term keys; stop at the first problem.
        String credentialSource = null;
        List<String> path = new ArrayList<>(List.of(name));
        Profile cur = role;
        while (true) {
            Optional<String> src = prop(cur, "source_profile");
            if (src.isEmpty()) {
                String where = cur == role ? "profile " + name : "profile " + name + ": source profile " + cur.name();
                if (prop(cur, "credential_source").isPresent()) {
                    problems.add(where + " uses credential_source, which stsfleet does not support (use source_profile)");
                } else {
                    problems.add(where + " has role_arn but no source_profile");
                }
                break;
            }
            String srcName = src.get();
            Profile next = profiles.get(srcName);
            if (srcName.equals(cur.name()) && hasKeys(cur)) {
                // "source_profile = self": the profile's own keys assume its role (as the AWS CLI allows).
                credentialSource = srcName;
                break;
            }
            if (next == null) {
                problems.add("profile " + name + ": source_profile " + srcName
                        + (cur == role ? "" : " (of profile " + cur.name() + ")") + " does not exist");
                break;
            }
            if (path.contains(srcName)) {
                path.add(srcName);
                problems.add("profile " + name + ": source_profile cycle " + String.join(" -> ", path));
                break;
            }
            path.add(srcName);
            if (mfaSerial == null) {
                mfaSerial = prop(next, "mfa_serial").orElse(null);
            }
            if (isRole(next)) {
                checkOwnValues(next, "profile " + name + ": source profile " + srcName, problems);
                cur = next;
                continue;
            }
            if (hasKeys(next)) {
                credentialSource = srcName;
            } else {
                problems.add("profile " + name + ": source profile " + srcName
                        + " has no long-term keys (aws_access_key_id and aws_secret_access_key)");
            }
            break;
        }
        RoleProfile profile = new RoleProfile(name, roleArn, prop(role, "source_profile").orElse(null),
                credentialSource, mfaSerial, prop(role, "external_id").orElse(null),
                prop(role, "role_session_name").orElse(null), duration, prop(role, "region").orElse(null));
        return new Resolved(profile, List.copyOf(problems));
    }

    /** Checks a role profile's own values; returns its duration_seconds when valid. */
    private static Integer checkOwnValues(Profile p, String where, List<String> problems) {
        String arn = prop(p, "role_arn").orElse("");
        if (arn.isEmpty()) {
            problems.add(where + ": role_arn is empty");
        } else if (!ROLE_ARN.matcher(arn).matches()) {
            problems.add(where + ": role_arn " + arn + " is not a role ARN (arn:aws:iam::<12 digits>:role/<name>)");
        }
        prop(p, "role_session_name").filter(s -> !SESSION_NAME.matcher(s).matches()).ifPresent(s ->
                problems.add(where + ": role_session_name " + s + " must be 2 to 64 characters of [\\w+=,.@-]"));
        // The external id is a shared secret of sorts: say what is wrong, not what it is.
        prop(p, "external_id").filter(s -> !EXTERNAL_ID.matcher(s).matches()).ifPresent(s ->
                problems.add(where + ": external_id must be 2 to 1224 characters of [\\w+=,.@:/-]"));
        Optional<String> raw = prop(p, "duration_seconds");
        if (raw.isEmpty()) {
            return null;
        }
        try {
            int seconds = Integer.parseInt(raw.get());
            if (seconds < MIN_DURATION || seconds > MAX_DURATION) {
                problems.add(where + ": duration_seconds " + seconds + " is outside " + MIN_DURATION + ".." + MAX_DURATION);
                return null;
            }
            return seconds;
        } catch (NumberFormatException e) {
            problems.add(where + ": duration_seconds " + raw.get() + " is not a whole number of seconds");
            return null;
        }
    }
}
