package dev.stsfleet.sso;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.sts.CallLimits;
import dev.stsfleet.sts.EndpointUrl;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * IAM Identity Center profiles as the root of role chains ({@code source_profile} = an SSO profile): each
 * profile's role credentials from GetRoleCredentials with the cached sign-in's token (refreshed 5 minutes before
 * it ends), kept while more than 15 minutes remain, so a bulk run of many roles under one SSO profile makes one
 * portal call. Endpoints follow {@code AWS_ENDPOINT_URL_SSO}, {@code AWS_ENDPOINT_URL_SSO_OIDC}, then
 * {@code AWS_ENDPOINT_URL}. Thread-safe; closing closes the clients it made.
 */
public final class SsoSources implements AutoCloseable {
    private static final Duration KEEP_WHILE = Duration.ofMinutes(15);
    private final SsoConfig config;
    private final SsoTokenCache cache;
    private final Map<String, String> env;
    private final Clock clock;
    private final CallLimits limits;
    private final Map<String, Source> sources = new ConcurrentHashMap<>();
    private final Map<String, RoleCredentials> held = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private record Source(SsoLogin login, SsoTokens tokens, IdentityCenterPortal portal) {
    }

    /** Sources for the SSO profiles of {@code profiles}, each call to Identity Center within {@code limits}. */
    public SsoSources(ProfileFile profiles, Map<String, String> environment, Clock clock, CallLimits limits) {
        this.config = SsoConfig.of(profiles);
        this.env = Map.copyOf(environment);
        this.cache = SsoTokenCache.inHome(env);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The role credentials of SSO profile {@code profile}.
     *
     * @throws InvalidInputException when it is not a complete SSO profile
     * @throws SsoLoginException     when there is no usable sign-in
     * @throws dev.stsfleet.StsCallException when the portal refuses
     */
    public RoleCredentials credentials(String profile) {
        // Single-flight per profile: the roles of a bulk run under one SSO profile share one portal call.
        synchronized (locks.computeIfAbsent(profile, k -> new Object())) {
            return fetch(profile);
        }
    }

    private RoleCredentials fetch(String profile) {
        RoleCredentials c = held.get(profile);
        if (c != null && c.credentials().remaining(clock).compareTo(KEEP_WHILE) > 0) {
            return c;
        }
        SsoProfile p = config.profile(profile).filter(x -> x.accountId() != null).orElseThrow(() ->
                new InvalidInputException("profile " + profile + " is not a complete IAM Identity Center profile"
                        + (config.problems().isEmpty() ? "" : ": " + String.join("; ", config.problems()))));
        Source s = sources.computeIfAbsent(p.session().cacheKey(), k -> {
            SsoLogin login = SsoLogin.builder().region(p.session().region()).clock(clock).callLimits(limits)
                    .endpoint(endpoint("AWS_ENDPOINT_URL_SSO_OIDC")).build();
            SsoTokens tokens = new SsoTokens(p.session(), cache, login, clock);
            return new Source(login, tokens, IdentityCenterPortal.builder().region(p.session().region())
                    .endpoint(endpoint("AWS_ENDPOINT_URL_SSO")).accessToken(tokens::accessToken).clock(clock)
                    .callLimits(limits).build());
        });
        c = s.portal().roleCredentials(p.accountId(), p.roleName());
        held.put(profile, c);
        return c;
    }

    private URI endpoint(String variable) {
        for (String name : new String[] {variable, "AWS_ENDPOINT_URL"}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return EndpointUrl.parse(name, v);
            }
        }
        return null;
    }

    @Override
    public void close() {
        sources.values().forEach(s -> {
            s.portal().close();
            s.login().close();
        });
        sources.clear();
    }

    @Override
    public String toString() {
        return "SsoSources[" + sources.size() + " sessions]";
    }
}
