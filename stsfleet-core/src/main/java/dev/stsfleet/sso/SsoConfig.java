package dev.stsfleet.sso;

import dev.stsfleet.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import dev.stsfleet.profile.ProfileFiles;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The IAM Identity Center part of an AWS config file, as the AWS CLI reads it: {@code [sso-session NAME]}
 * sections ({@code sso_start_url}, {@code sso_region}, {@code sso_registration_scopes}) and profiles with
 * {@code sso_session} or the legacy {@code sso_start_url}/{@code sso_region}, plus {@code sso_account_id} and
 * {@code sso_role_name}. Every problem of every section is collected when the config is read, so a command
 * reports them all in one line before any call ({@link #requireValid()}). Immutable and thread-safe.
 */
public final class SsoConfig {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    static final String DEFAULT_SCOPE = "sso:account:access";

    private final Map<String, SsoSession> sessions;
    private final Map<String, SsoProfile> profiles;
    private final List<String> problems;

    private SsoConfig(Map<String, SsoSession> sessions, Map<String, SsoProfile> profiles, List<String> problems) {
        this.sessions = Collections.unmodifiableMap(sessions);
        this.profiles = Collections.unmodifiableMap(profiles);
        this.problems = List.copyOf(problems);
    }

    private static final Pattern SESSION_HEADER = Pattern.compile("(?m)^\\s*\\[\\s*sso-session\\s+([^\\]]*?)\\s*]");

    /**
     * Reads the config file {@code file} (a missing file is an empty config) through the SDK's parser.
     *
     * @throws InvalidInputException when it cannot be read or is malformed
     */
    public static SsoConfig read(Path file) {
        ProfileFile parsed = ProfileFiles.read(file, ProfileFile.Type.CONFIGURATION, false);
        List<String> names = new ArrayList<>();
        try {
            Matcher m = SESSION_HEADER.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                names.add(m.group(1));
            }
        } catch (NoSuchFileException e) {
            // no file: no sessions
        } catch (IOException e) {
            throw new InvalidInputException("cannot read config file " + file + ": " + e.getClass().getSimpleName());
        }
        return of(parsed, names);
    }

    /** Reads the sessions the profiles of a config file name, and its SSO profiles. */
    public static SsoConfig of(ProfileFile config) {
        return of(config, List.of());
    }

    /**
     * Reads the sessions and SSO profiles of a config file; {@code sessionNames} adds sections no profile names
     * (the SDK's {@link ProfileFile} can look a section up but not list them).
     */
    public static SsoConfig of(ProfileFile config, Collection<String> sessionNames) {
        List<String> problems = new ArrayList<>();
        Map<String, SsoSession> sessions = new TreeMap<>();
        Set<String> names = new LinkedHashSet<>(sessionNames);
        names.addAll(sessionNames(config));
        for (String name : names) {
            if (config.getSection("sso-session", name).isEmpty()) {
                continue;
            }
            Profile p = config.getSection("sso-session", name).orElseThrow();
            String where = "sso-session " + name;
            String url = prop(p, "sso_start_url");
            String region = prop(p, "sso_region");
            boolean ok = checkStartUrl(url, where, problems) & checkRegion(region, where, problems);
            List<String> scopes = new ArrayList<>();
            String scopeList = prop(p, "sso_registration_scopes");
            if (scopeList != null) {
                for (String s : scopeList.split(",")) {
                    if (!s.isBlank()) {
                        scopes.add(s.trim());
                    }
                }
            } else {
                scopes.add(DEFAULT_SCOPE);
            }
            if (ok) {
                sessions.put(name, new SsoSession(name, url, region, scopes));
            }
        }
        Map<String, SsoProfile> profiles = new TreeMap<>();
        for (Profile p : new TreeMap<>(config.profiles()).values()) {
            String sessionName = prop(p, "sso_session");
            String legacyUrl = prop(p, "sso_start_url");
            String legacyRegion = prop(p, "sso_region");
            String account = prop(p, "sso_account_id");
            String role = prop(p, "sso_role_name");
            if (sessionName == null && legacyUrl == null && legacyRegion == null && account == null && role == null) {
                continue;
            }
            String where = "profile " + p.name();
            SsoSession session = null;
            if (sessionName != null) {
                if (config.getSection("sso-session", sessionName).isEmpty()) {
                    problems.add(where + ": sso_session " + sessionName + " names no [sso-session " + sessionName
                            + "] section");
                } else {
                    session = sessions.get(sessionName);
                    SsoSession s = session;
                    if (s != null && legacyUrl != null && !legacyUrl.equals(s.startUrl())) {
                        problems.add(where + ": sso_start_url differs from that of sso-session " + sessionName);
                        session = null;
                    }
                    if (s != null && legacyRegion != null && !legacyRegion.equals(s.region())) {
                        problems.add(where + ": sso_region differs from that of sso-session " + sessionName);
                        session = null;
                    }
                }
            } else if (legacyUrl != null || legacyRegion != null) {
                boolean ok = checkStartUrl(legacyUrl, where, problems) & checkRegion(legacyRegion, where, problems);
                if (ok) {
                    session = new SsoSession(null, legacyUrl, legacyRegion, List.of());
                }
            } else {
                problems.add(where + ": sso_account_id/sso_role_name without sso_session (or sso_start_url and sso_region)");
            }
            if ((account == null) != (role == null)) {
                problems.add(where + ": " + (account == null ? "sso_role_name without sso_account_id"
                        : "sso_account_id without sso_role_name"));
            } else if (account != null && !ACCOUNT.matcher(account).matches()) {
                problems.add(where + ": sso_account_id " + shown(account) + " is not a 12-digit account id");
            } else if (role != null && !ROLE_NAME.matcher(role).matches()) {
                problems.add(where + ": sso_role_name " + shown(role) + " is not a role (permission set) name");
            } else if (session != null) {
                profiles.put(p.name(), new SsoProfile(p.name(), session, account, role, prop(p, "region")));
            }
        }
        return new SsoConfig(sessions, profiles, problems);
    }

    /** The {@code [sso-session NAME]} names of the file. */
    private static List<String> sessionNames(ProfileFile config) {
        List<String> names = new ArrayList<>();
        for (Profile p : config.profiles().values()) {
            String s = prop(p, "sso_session");
            if (s != null && !names.contains(s) && config.getSection("sso-session", s).isPresent()) {
                names.add(s);
            }
        }
        return names;
    }

    /** Every problem found, in file order of the sections; empty when the config is usable. */
    public List<String> problems() {
        return problems;
    }

    /** @throws InvalidInputException listing every problem, when there is one */
    public SsoConfig requireValid() {
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return this;
    }

    /** The valid {@code [sso-session]} sections by name. */
    public Map<String, SsoSession> sessions() {
        return sessions;
    }

    /** The valid SSO profiles by name (those with an account and role, and those naming only a session). */
    public Map<String, SsoProfile> profiles() {
        return profiles;
    }

    /**
     * The session a command means: {@code name} when given, else the session of {@code profile} when that is an
     * SSO profile, else the file's only session (an {@code [sso-session]} or one legacy start URL).
     *
     * @throws InvalidInputException when it names nothing or the choice is ambiguous
     */
    public SsoSession session(String name, String profile) {
        if (name != null) {
            SsoSession s = sessions.get(name);
            if (s == null) {
                throw new InvalidInputException("no [sso-session " + name + "] section in the config file"
                        + (sessions.isEmpty() ? "" : " (sessions: " + String.join(", ", sessions.keySet()) + ")"));
            }
            return s;
        }
        if (profile != null && profiles.containsKey(profile)) {
            return profiles.get(profile).session();
        }
        Map<String, SsoSession> all = new LinkedHashMap<>(sessions);
        profiles.values().forEach(p -> all.putIfAbsent(p.session().cacheKey(), p.session()));
        Map<String, SsoSession> distinct = new LinkedHashMap<>();
        all.values().forEach(s -> distinct.putIfAbsent(s.cacheKey(), s));
        if (distinct.size() == 1) {
            return distinct.values().iterator().next();
        }
        throw new InvalidInputException(distinct.isEmpty()
                ? "the config file has no [sso-session] section and no profile with sso_start_url"
                : "the config file has " + distinct.size() + " Identity Center sessions: name one with --sso-session");
    }

    /** The SSO profile {@code name}, if the config has a valid one. */
    public Optional<SsoProfile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    private static boolean checkStartUrl(String url, String where, List<String> problems) {
        if (url == null) {
            problems.add(where + ": sso_start_url is missing");
            return false;
        }
        try {
            URI u = new URI(url);
            if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    || u.getRawUserInfo() != null) {
                problems.add(where + ": sso_start_url " + shown(url) + " is not an https URL");
                return false;
            }
        } catch (URISyntaxException e) {
            problems.add(where + ": sso_start_url " + shown(url) + " is not a URL");
            return false;
        }
        return true;
    }

    private static boolean checkRegion(String region, String where, List<String> problems) {
        if (region == null) {
            problems.add(where + ": sso_region is missing");
            return false;
        }
        if (!REGION.matcher(region).matches()) {
            problems.add(where + ": sso_region " + shown(region) + " is not a region name");
            return false;
        }
        return true;
    }

    private static String shown(String value) {
        String v = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        return "'" + (v.indexOf('@') >= 0 ? "(hidden: contains '@')" : v) + "'";
    }

    private static String prop(Profile p, String key) {
        return p.property(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    }

    @Override
    public String toString() {
        return "SsoConfig[" + sessions.size() + " sessions, " + profiles.size() + " profiles, " + problems.size()
                + " problems]";
    }
}
