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
    static final String SAML_URL = "x_stsfleet_saml_url";
    private static final String SAML_PREFIX = "x_stsfleet_saml_";
    private static final String SAML_HEADER = "x_stsfleet_saml_header_";
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern SAML_PROVIDER = Pattern.compile("arn:aws[-a-z]*:iam::\\d{12}:saml-provider/[\\w.-]{1,128}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    private static final Set<String> SAML_KEYS = Set.of(SAML_URL, "x_stsfleet_saml_user", "x_stsfleet_saml_role",
            "x_stsfleet_saml_account", "x_stsfleet_saml_principal_arn", "x_stsfleet_saml_login",
            "x_stsfleet_saml_ca_file", "x_stsfleet_saml_verify_tls");

    private final ProfileFile file;
    private final Map<String, Profile> profiles;
    private final Map<String, Resolved> roles;
    private final Map<String, ResolvedSaml> saml;
    private final String defaultSource;

    private ProfileCatalog(ProfileFile file, String defaultSource) {
        this.file = file;
        this.profiles = Collections.unmodifiableMap(new TreeMap<>(file.profiles()));
        this.defaultSource = defaultSource == null || defaultSource.isBlank() ? null : defaultSource.trim();
        Map<String, Resolved> resolved = new TreeMap<>();
        Map<String, ResolvedSaml> samlResolved = new TreeMap<>();
        for (Profile p : profiles.values()) {
            // x_stsfleet_saml_url decides: such a profile is SAML-backed even when it also has role_arn.
            if (isSaml(p)) {
                samlResolved.put(p.name(), resolveSaml(p));
            } else if (isRole(p)) {
                resolved.put(p.name(), resolve(p));
            }
        }
        this.roles = Collections.unmodifiableMap(resolved);
        this.saml = Collections.unmodifiableMap(samlResolved);
    }

    /** A catalog of the profiles of an SDK profile file (for example an aggregate of config and credentials). */
    public static ProfileCatalog of(ProfileFile file) {
        return new ProfileCatalog(Objects.requireNonNull(file, "file"), null);
    }

    /**
     * A catalog whose role profiles that name no source ({@code role_arn} without {@code source_profile} or
     * {@code credential_source}) are sourced from {@code defaultSource} (the {@code --profile} or
     * {@code AWS_PROFILE} of a command), when that profile holds long-term keys. A role's own
     * {@code source_profile} always wins.
     *
     * @param defaultSource a profile name, or {@code null} for none
     */
    public static ProfileCatalog of(ProfileFile file, String defaultSource) {
        return new ProfileCatalog(Objects.requireNonNull(file, "file"), defaultSource);
    }

    /** The profile file this catalog reads. */
    public ProfileFile profileFile() {
        return file;
    }

    /** The profile that serves roles naming no source, if one was given. */
    public Optional<String> defaultSource() {
        return Optional.ofNullable(defaultSource);
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

    /**
     * Every SAML-backed profile (with {@code x_stsfleet_saml_url}), sorted by name, resolved leniently;
     * {@link #selection} reports their problems. These are not in {@link #roleProfiles()}.
     */
    public Map<String, SamlProfile> samlProfiles() {
        Map<String, SamlProfile> out = new TreeMap<>();
        saml.forEach((name, r) -> out.put(name, r.profile));
        return Collections.unmodifiableMap(out);
    }

    public boolean isSamlProfile(String profile) {
        return saml.containsKey(profile);
    }

    /** The role profile of that name, if the name is a role profile. */
    public Optional<RoleProfile> roleProfile(String name) {
        return Optional.ofNullable(roles.get(name)).map(r -> r.profile);
    }

    /**
     * The role profile assumed before {@code role}: its {@code source_profile} (or, naming none, the default
     * source) when that is a role profile; empty when {@code role} is assumed from long-term keys.
     */
    public Optional<RoleProfile> parentRole(RoleProfile role) {
        String parent = role.sourceProfile() != null ? role.sourceProfile() : defaultSource;
        if (role.sourceProfile() == null && property(role.name(), "credential_source").isPresent()) {
            return Optional.empty(); // its root is its credential_source
        }
        if (parent == null || parent.equals(role.name())) {
            return Optional.empty();
        }
        return roleProfile(parent);
    }

    /**
     * Everything the files say about how {@code profile}'s credentials are obtained: every property of the
     * profile and of each profile down its source chain ({@code source_profile}, else the default source) to
     * the root, as {@code profile.key=value} lines in chain order, keys sorted. Secret values
     * ({@code aws_secret_access_key}, {@code aws_session_token}) appear only as {@code (set)}. A cache keyed on
     * this misses when any of it is edited (role ARN, external id, session name, duration, MFA device, source,
     * the root's access key id) and not when unrelated sections change (e.g. the {@code sts-*} sections
     * {@code write} adds). Never throws for a broken or cyclic chain: it stops where the chain does.
     */
    public String chainDescription(String profile) {
        StringBuilder out = new StringBuilder();
        Set<String> visited = new HashSet<>();
        String name = profile;
        while (name != null && visited.add(name)) {
            Profile p = profiles.get(name);
            out.append('[').append(name).append("]\n");
            if (p == null) {
                break;
            }
            for (Map.Entry<String, String> e : new TreeMap<>(p.properties()).entrySet()) {
                String key = e.getKey();
                boolean secret = key.equals("aws_secret_access_key") || key.equals("aws_session_token");
                out.append(key).append('=').append(secret ? "(set)" : e.getValue().trim()).append('\n');
            }
            String next = p.property("source_profile").map(String::trim).orElse(null);
            if (next == null && p.property("role_arn").isPresent() && p.property("credential_source").isEmpty()) {
                next = defaultSource;
            }
            name = next;
        }
        return out.toString();
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
     * The profiles that hold an IAM user's long-term keys, in file order: keys and no role; a section of
     * temporary credentials (keys with {@code aws_session_token}, such as the {@code [sts-*]} sections write and
     * keep-fresh make) is not one.
     */
    public List<String> longTermKeyProfiles() {
        return profileNames().stream().filter(p -> !isRoleProfile(p) && keys(p).isPresent()
                && !(keys(p).get() instanceof AwsSessionCredentials)).toList();
    }

    /** What is wrong with asking for a session (GetSessionToken) with {@code profile}'s temporary credentials. */
    public static String temporaryKeysProblem(String profile) {
        return "profile " + profile + " holds temporary credentials (aws_session_token), not an IAM user's long-term "
                + "keys: use it as it is (AWS_PROFILE=" + profile + "), or name the user's or the role's profile";
    }

    /**
     * Validates a selection of role profiles and returns them in request order. Every problem is
     * collected (duplicates, unknown names with a suggestion, non-role profiles, malformed values,
     * broken or cyclic chains) and reported together.
     *
     * @throws InvalidInputException listing every problem
     */
    public List<RoleProfile> select(Collection<String> names) {
        return select(names, false).roles();
    }

    /**
     * A selection of role profiles and SAML-backed profiles, for a caller that can assume both: every problem
     * of either kind (as {@link #select}, plus malformed SAML keys) is reported together.
     *
     * @throws InvalidInputException listing every problem
     */
    public Selection selection(Collection<String> names) {
        return select(names, true);
    }

    /**
     * A validated selection, each list in request order.
     *
     * @param roles the role profiles (assumed through their source chain)
     * @param saml  the SAML-backed profiles (assumed with AssumeRoleWithSAML after an IdP login)
     */
    public record Selection(List<RoleProfile> roles, List<SamlProfile> saml) {
        public Selection {
            roles = List.copyOf(roles);
            saml = List.copyOf(saml);
        }
    }

    private Selection select(Collection<String> names, boolean withSaml) {
        Objects.requireNonNull(names, "names");
        List<String> problems = new ArrayList<>();
        List<RoleProfile> selected = new ArrayList<>();
        List<SamlProfile> selectedSaml = new ArrayList<>();
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
            } else if (saml.containsKey(name)) {
                if (withSaml) {
                    problems.addAll(saml.get(name).problems);
                    selectedSaml.add(saml.get(name).profile);
                } else {
                    problems.add("profile " + name + " is SAML-backed (" + SAML_URL + "): only stsfleet generate "
                            + "assumes it");
                }
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
        return new Selection(selected, selectedSaml);
    }

    @Override
    public String toString() {
        return "ProfileCatalog[profiles=" + profiles.size() + ", roleProfiles=" + roles.size()
                + ", samlProfiles=" + saml.size() + "]";
    }

    private String suggestion(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        // Role profiles first: they are what a selection asks for.
        List<String> candidates = new ArrayList<>(roles.keySet());
        candidates.addAll(saml.keySet());
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

    /** A profile with a role assumed through a source chain (a web identity profile is a root of its own). */
    private static boolean isRole(Profile p) {
        return p.property("role_arn").isPresent() && !RootProfiles.isWebIdentity(p);
    }

    /**
     * What a root of the plan is: a profile with long-term keys, a web identity or {@code credential_process}
     * profile, or a {@code credential_source=VALUE} root; empty for anything else.
     */
    public Optional<RootProfile> root(String name) {
        if (name.startsWith(RootProfile.CREDENTIAL_SOURCE_PREFIX)) {
            return Optional.ofNullable(RootProfiles.CREDENTIAL_SOURCES.get(
                    name.substring(RootProfile.CREDENTIAL_SOURCE_PREFIX.length()))).map(k -> new RootProfile(name, k));
        }
        Profile p = profiles.get(name);
        if (p == null) {
            return Optional.empty();
        }
        if (hasKeys(p) && !RootProfiles.isWebIdentity(p)) {
            return Optional.of(new RootProfile(name, RootProfile.Kind.KEYS));
        }
        return RootProfiles.kind(p).map(k -> new RootProfile(name, k));
    }

    private static boolean isSaml(Profile p) {
        return p.property(SAML_URL).isPresent();
    }

    /**
     * Whether {@code profile} signs in through IAM Identity Center with an account and role ({@code sso_account_id},
     * {@code sso_role_name}, and {@code sso_session} or {@code sso_start_url}) and has no long-term keys.
     */
    public boolean isSsoProfile(String profile) {
        Profile p = profiles.get(profile);
        return p != null && !hasKeys(p) && isSso(p);
    }

    private static boolean isSso(Profile p) {
        return prop(p, "sso_account_id").isPresent() && prop(p, "sso_role_name").isPresent()
                && (prop(p, "sso_session").isPresent() || prop(p, "sso_start_url").isPresent());
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
            String where = cur == role ? "profile " + name : "profile " + name + ": source profile " + cur.name();
            if (prop(cur, "credential_source").isPresent()) {
                RootProfile root = RootProfiles.credentialSource(cur, where, problems);
                credentialSource = root == null ? null : root.name();
                break;
            }
            if (src.isEmpty() && (defaultSource == null || path.contains(defaultSource))) {
                problems.add(where + " has role_arn but no source_profile"
                        + (defaultSource == null ? " (set one, or name the source profile with --profile or AWS_PROFILE)"
                        : " and the default source " + defaultSource + " is part of its own chain"));
                break;
            }
            // No source of its own: the default source (--profile, AWS_PROFILE) serves it, as the AWS CLI's
            // default profile would.
            String srcName = src.orElse(defaultSource);
            Profile next = profiles.get(srcName);
            if (srcName.equals(cur.name()) && hasKeys(cur)) {
                // "source_profile = self": the profile's own keys assume its role (as the AWS CLI allows).
                credentialSource = srcName;
                break;
            }
            if (next == null) {
                problems.add(src.isEmpty()
                        ? where + " names no source_profile, and the default source profile " + srcName
                                + " (from --profile or AWS_PROFILE) does not exist"
                        : "profile " + name + ": source_profile " + srcName
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
            if (hasKeys(next) || isSso(next)) {
                // Long-term keys, or an IAM Identity Center role (its credentials from the portal sign-in).
                credentialSource = srcName;
            } else if (RootProfiles.kind(next).isPresent()) {
                RootProfiles.check(next, "profile " + name + ": source profile " + srcName, problems);
                credentialSource = srcName;
            } else {
                problems.add("profile " + name + ": source profile " + srcName
                        + " has no long-term keys (aws_access_key_id and aws_secret_access_key), "
                        + "web_identity_token_file or credential_process, and is no IAM Identity Center profile "
                        + "(sso_account_id, sso_role_name)");
            }
            break;
        }
        RoleProfile profile = new RoleProfile(name, roleArn, prop(role, "source_profile").orElse(null),
                credentialSource, mfaSerial, prop(role, "external_id").orElse(null),
                prop(role, "role_session_name").orElse(null), duration, prop(role, "region").orElse(null));
        return new Resolved(profile, List.copyOf(problems));
    }

    /** One SAML-backed profile, resolved as far as possible, and what is wrong with it. */
    private record ResolvedSaml(SamlProfile profile, List<String> problems) {
    }

    /** The values of {@code x_stsfleet_saml_login}: the IdP logins of {@code IdpClient.Login} a profile may name. */
    private static final List<String> SAML_LOGINS = List.of("form", "basic", "digest", "ntlm", "adfs", "auto");

    private ResolvedSaml resolveSaml(Profile p) {
        String where = "profile " + p.name();
        List<String> problems = new ArrayList<>();
        String url = prop(p, SAML_URL).orElse("");
        checkUrl(url, where, problems);
        String user = prop(p, "x_stsfleet_saml_user").orElse("");
        if (user.isEmpty()) {
            problems.add(where + ": x_stsfleet_saml_user is missing (the IdP user name)");
        }
        String login = prop(p, "x_stsfleet_saml_login").map(s -> s.toLowerCase(java.util.Locale.ROOT)).orElse("form");
        if (!SAML_LOGINS.contains(login)) {
            problems.add(where + ": x_stsfleet_saml_login " + login + " must be one of " + String.join(", ", SAML_LOGINS));
        }
        // The IdP is the authentication: a source chain or an MFA device would be silently ignored.
        for (String key : List.of("source_profile", "credential_source", "mfa_serial")) {
            if (prop(p, key).isPresent()) {
                problems.add(where + " is SAML-backed (" + SAML_URL + ") and must not have " + key);
            }
        }
        String roleArn = roleArnOf(p, where, problems);
        String principal = prop(p, "x_stsfleet_saml_principal_arn").orElse(null);
        if (principal != null && !SAML_PROVIDER.matcher(principal).matches()) {
            problems.add(where + ": x_stsfleet_saml_principal_arn " + principal
                    + " is not a SAML provider ARN (arn:aws:iam::<12 digits>:saml-provider/<name>)");
        }
        Integer duration = checkDuration(p, where, problems);
        Map<String, String> headers = new TreeMap<>();
        for (Map.Entry<String, String> e : p.properties().entrySet()) {
            String key = e.getKey();
            if (key.startsWith(SAML_HEADER)) {
                String header = key.substring(SAML_HEADER.length()).replace('_', '-');
                String value = e.getValue().trim();
                if (header.isEmpty() || !HEADER_NAME.matcher(header).matches()) {
                    problems.add(where + ": " + key + " does not name an HTTP header");
                } else if (value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                    problems.add(where + ": " + key + " has a control character in its value");
                } else {
                    headers.put(header, value);
                }
            } else if (key.startsWith(SAML_PREFIX) && !SAML_KEYS.contains(key)) {
                problems.add(where + ": unknown key " + key + " (see docs/PROFILES.md)");
            }
        }
        String caFile = prop(p, "x_stsfleet_saml_ca_file").orElse(null);
        if (caFile != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(caFile))) {
            problems.add(where + ": x_stsfleet_saml_ca_file " + caFile + " cannot be read");
        }
        String verify = prop(p, "x_stsfleet_saml_verify_tls").map(s -> s.toLowerCase(java.util.Locale.ROOT)).orElse("true");
        if (!verify.equals("true") && !verify.equals("false")) {
            problems.add(where + ": x_stsfleet_saml_verify_tls " + verify + " must be true or false");
        }
        if (caFile != null && verify.equals("false")) {
            problems.add(where + ": x_stsfleet_saml_ca_file and x_stsfleet_saml_verify_tls = false cannot be combined");
        }
        SamlProfile.Idp idp = new SamlProfile.Idp(url, user, login, headers, caFile, !verify.equals("false"));
        return new ResolvedSaml(new SamlProfile(p.name(), roleArn, principal, duration,
                prop(p, "region").orElse(null), idp), List.copyOf(problems));
    }

    private static void checkUrl(String url, String where, List<String> problems) {
        try {
            java.net.URI uri = new java.net.URI(url);
            if (uri.getRawUserInfo() != null) {
                // Never echo it: the user info may hold a password.
                problems.add(where + ": " + SAML_URL + " must not hold a user name or password");
            } else if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                problems.add(where + ": " + SAML_URL + " " + url + " is not an http(s) URL");
            }
        } catch (java.net.URISyntaxException e) {
            problems.add(where + ": " + SAML_URL + " is not a URL: " + e.getReason());
        }
    }

    /** The role ARN of a SAML-backed profile: role_arn, or built from the account and role name. */
    private static String roleArnOf(Profile p, String where, List<String> problems) {
        Optional<String> arn = prop(p, "role_arn");
        Optional<String> roleName = prop(p, "x_stsfleet_saml_role");
        Optional<String> account = prop(p, "x_stsfleet_saml_account");
        if (arn.isPresent()) {
            if (roleName.isPresent() || account.isPresent()) {
                problems.add(where + ": give role_arn or x_stsfleet_saml_role with x_stsfleet_saml_account, not both");
            }
            if (!ROLE_ARN.matcher(arn.get()).matches()) {
                problems.add(where + ": role_arn " + arn.get()
                        + " is not a role ARN (arn:aws:iam::<12 digits>:role/<name>)");
            }
            return arn.get();
        }
        if (roleName.isEmpty() || account.isEmpty()) {
            problems.add(where + ": a SAML-backed profile needs role_arn, or x_stsfleet_saml_role with "
                    + "x_stsfleet_saml_account");
            return "";
        }
        boolean ok = true;
        if (!ROLE_NAME.matcher(roleName.get()).matches()) {
            problems.add(where + ": x_stsfleet_saml_role " + roleName.get() + " is not an IAM role name");
            ok = false;
        }
        if (!ACCOUNT.matcher(account.get()).matches()) {
            problems.add(where + ": x_stsfleet_saml_account " + account.get() + " is not a 12-digit account id");
            ok = false;
        }
        return ok ? "arn:aws:iam::" + account.get() + ":role/" + roleName.get() : "";
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
        return checkDuration(p, where, problems);
    }

    /** Checks duration_seconds; returns it when valid, else {@code null}. */
    private static Integer checkDuration(Profile p, String where, List<String> problems) {
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
