package dev.stsfleet.sso;

import dev.stsfleet.FleetResult;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.refresh.Expiring;
import dev.stsfleet.refresh.RefreshListener;
import dev.stsfleet.refresh.RefreshPolicy;
import dev.stsfleet.refresh.Refresher;
import dev.stsfleet.refresh.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Every selected Identity Center account x role kept fresh until a lifetime ends (a work day): the first set
 * through the bulk engine ({@link IdentityCenterPortal#generate}), then each pair renewed by the one refresher
 * ({@link Refresher}, the standard freshness rule) with GetRoleCredentials, under the access token that
 * {@link SsoTokens} refreshes 5 minutes before it ends. A refusal that will not change by retrying (the sign-in
 * ended, {@code UnauthorizedException}, {@code ForbiddenException}) is not retried. Each entry's credentials
 * carry its key as their profile. Thread-safe; closing stops and joins the refresher's threads (the portal is not
 * closed).
 */
public final class SsoKeepFresh implements AutoCloseable {
    private static final Set<String> FINAL_CODES = Set.of("UnauthorizedException", "ForbiddenException");
    private final IdentityCenterPortal portal;
    private final Refresher<String, RoleCredentials> refresher;
    private final Map<String, IdentityCenterPortal.AccountRole> pairs = new LinkedHashMap<>();

    /**
     * @param end      when refreshing stops (the lifetime's end)
     * @param listener hears every refresh, failure, expiry and the lifetime's end
     */
    public SsoKeepFresh(IdentityCenterPortal portal, Clock clock, Instant end,
                        RefreshListener<String, RoleCredentials> listener) {
        this.portal = Objects.requireNonNull(portal, "portal");
        this.refresher = Refresher.<String, RoleCredentials>builder()
                .clock(clock)
                .policy(RefreshPolicy.standard())
                .end(end)
                .listener(listener)
                .nonRecoverable(e -> e instanceof SsoLoginException
                        || e instanceof StsCallException s && FINAL_CODES.contains(s.code()))
                .build();
    }

    /**
     * Gets every pair's first credentials and starts refreshing the ones that succeeded.
     *
     * @return the first result, keyed by {@code keyOf}
     */
    public FleetResult start(List<IdentityCenterPortal.AccountRole> selected,
                             Function<IdentityCenterPortal.AccountRole, String> keyOf, OutputFormat format,
                             ProgressListener progress) {
        FleetResult first = portal.generate(selected, keyOf, format, progress);
        for (IdentityCenterPortal.AccountRole p : selected) {
            String key = keyOf.apply(p);
            pairs.put(key, p);
            RoleCredentials c = first.credentials().get(key);
            if (c != null) {
                refresher.register(key, expiring(key, c), k -> expiring(k, portal.roleCredentials(p.accountId(), p.roleName())));
            }
        }
        return first;
    }

    private static Expiring<RoleCredentials> expiring(String key, RoleCredentials c) {
        RoleCredentials keyed = new RoleCredentials(key, c.roleArn(), c.assumedRoleArn(), c.credentials());
        return new Expiring<>(keyed, c.credentials().start(), c.credentials().expiration());
    }

    /** Every entry's newest credentials, by key. */
    public Map<String, RoleCredentials> current() {
        Map<String, RoleCredentials> out = new LinkedHashMap<>();
        for (Map.Entry<String, Snapshot<RoleCredentials>> e : refresher.currentAll().entrySet()) {
            out.put(e.getKey(), e.getValue().value());
        }
        return out;
    }

    /** Waits until the lifetime has ended (or {@link #close()}); false if {@code timeout} passed first. */
    public boolean await(Duration timeout) throws InterruptedException {
        return refresher.awaitTermination(timeout);
    }

    @Override
    public void close() {
        refresher.close();
    }

    @Override
    public String toString() {
        return "SsoKeepFresh[" + pairs.size() + " pairs]";
    }
}
