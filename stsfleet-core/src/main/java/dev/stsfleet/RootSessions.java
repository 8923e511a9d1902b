package dev.stsfleet;

import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.store.SessionTokenCache;
import dev.stsfleet.sts.StsGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The sessions of a fleet's roots, by (source profile, MFA device): the one place a session is looked up,
 * made, cached and adopted. A session is looked up in memory first, then in the on-disk session cache shared
 * by every command (when the fleet has one), keyed by profile, device and a scope of the STS endpoint and the
 * source's access key id. New MFA sessions are written to that cache. Thread-safe.
 */
final class RootSessions {
    private static final Logger LOG = LoggerFactory.getLogger(RootSessions.class);

    private record Key(String profile, String device) {
    }

    private final ProfileCatalog catalog;
    private final StsGateway gateway;
    private final Clock clock;
    private final SessionTokenCache cache;
    private final String endpointLabel;
    private final Duration margin;
    private final ConcurrentMap<Key, SessionToken> memory = new ConcurrentHashMap<>();
    private final AtomicReference<SessionToken> last = new AtomicReference<>();

    RootSessions(ProfileCatalog catalog, StsGateway gateway, Clock clock, SessionTokenCache cache, String endpointLabel) {
        this.catalog = catalog;
        this.gateway = gateway;
        this.clock = clock;
        this.cache = cache;
        this.endpointLabel = endpointLabel;
        this.margin = cache != null ? cache.margin() : Freshness.CACHE_MARGIN;
    }

    /**
     * A session of the root good for a run: more than the margin left and, when {@code wantedEnd} is given,
     * lasting until then. For a root without MFA only a session without MFA this fleet made or adopted counts
     * (such roots otherwise sign with their keys).
     */
    Optional<SessionToken> usable(String profile, String device, Instant wantedEnd) {
        Instant now = clock.instant();
        Optional<SessionToken> good = Optional.ofNullable(memory.get(new Key(profile, device)))
                .filter(t -> goodFor(t, now, wantedEnd));
        if (good.isPresent() || device == null || cache == null) {
            return good;
        }
        Optional<SessionToken> cached = fromCache(profile, device).filter(t -> goodFor(t, now, wantedEnd));
        cached.ifPresent(t -> {
            adopt(t);
            LOG.debug("profile {}: using the cached MFA session of device {} (until {})", profile, device,
                    TemporaryCredentials.isoUtc(t.end()));
        });
        return cached;
    }

    /**
     * The session that signs a root's first hop now: the one this fleet holds for the root that has not expired;
     * with {@code onAdopted}, a newer one stored in the cache since (adopted and told).
     */
    Optional<SessionToken> signing(String profile, String device, Consumer<SessionToken> onAdopted) {
        Instant now = clock.instant();
        Optional<SessionToken> held = Optional.ofNullable(memory.get(new Key(profile, device)))
                .filter(t -> !t.credentials().isExpiredAt(now));
        if (onAdopted == null || device == null || cache == null) {
            return held;
        }
        Optional<SessionToken> stored = fromCache(profile, device);
        if (stored.isPresent() && stored.get().end().isAfter(held.map(SessionToken::end).orElse(Instant.MIN))) {
            adopt(stored.get());
            LOG.debug("profile {}: adopted a newer MFA session (until {})", profile,
                    TemporaryCredentials.isoUtc(stored.get().end()));
            onAdopted.accept(stored.get());
            return stored;
        }
        return held;
    }

    /**
     * Adopts, for every MFA root this fleet holds a session of, a newer session another command stored in the
     * cache since; returns those adopted.
     */
    List<SessionToken> adoptNewer() {
        if (cache == null) {
            return List.of();
        }
        List<SessionToken> adopted = new ArrayList<>();
        for (Map.Entry<Key, SessionToken> e : memory.entrySet()) {
            String device = e.getKey().device();
            if (device == null) {
                continue;
            }
            String profile = e.getKey().profile();
            fromCache(profile, device).filter(t -> t.end().isAfter(e.getValue().end())).ifPresent(t -> {
                adopt(t);
                LOG.debug("profile {}: adopted a newer MFA session (until {})", profile, TemporaryCredentials.isoUtc(t.end()));
                adopted.add(t);
            });
        }
        return adopted;
    }

    /**
     * GetSessionToken for a root with its long-term keys; the session is kept in memory and, with MFA, in the
     * cache (best effort: a cache that cannot be written is a warning).
     */
    SessionToken create(String profile, String device, String code, Duration lifetime) {
        AwsCredentials keys = keys(profile);
        LOG.debug("profile {}: GetSessionToken for {} {}", profile, lifetime,
                device == null ? "without MFA" : "with MFA device " + device);
        SessionToken token = gateway.getSessionToken(keys, profile, lifetime, device, code);
        adopt(token);
        if (device != null && cache != null) {
            try {
                cache.put(token, scope(profile));
                LOG.debug("profile {}: MFA session cached for later commands", profile);
            } catch (RuntimeException e) {
                LOG.warn("the MFA session of profile {} was not cached for later commands: {}", profile, e.getMessage());
            }
        }
        return token;
    }

    /**
     * A new MFA session of the root, made by {@code make} (ask for a code, then {@link #create}) while holding the
     * session cache's lock on the root: processes that need the same session at once (an AWS CLI running several
     * {@code credential_process} commands, each a role of one user) ask for one code between them. One that
     * waited on the lock takes the session the holder stored, without asking. Without a cache: {@code make}.
     */
    SessionToken makeOnce(String profile, String device, java.util.function.Supplier<SessionToken> make) {
        if (cache == null || device == null) {
            return make.get();
        }
        SessionToken token = cache.getOrLoad(profile, device, scope(profile), make);
        adopt(token);
        return token;
    }

    /** Makes {@code token} the session of its root in this fleet. */
    void adopt(SessionToken token) {
        memory.put(new Key(token.sourceProfile(), token.mfaSerial()), token);
        last.accumulateAndGet(token, (a, b) -> a == null || !b.start().isBefore(a.start()) ? b : a);
    }

    /** The session made or adopted last, if any. */
    Optional<SessionToken> last() {
        return Optional.ofNullable(last.get());
    }

    /** The long-term keys of a root profile. */
    AwsCredentials keys(String profile) {
        return catalog.keys(profile).orElseThrow(() -> new StsCallException("ClientError",
                "source profile " + profile + " has no long-term keys"));
    }

    private Optional<SessionToken> fromCache(String profile, String device) {
        try {
            return cache.get(profile, device, scope(profile));
        } catch (RuntimeException e) {
            LOG.debug("profile {}: the session cache cannot be read: {}", profile, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** What tells sessions of one profile and device apart: the STS endpoint and the source's key id. */
    private String scope(String profile) {
        return endpointLabel + "|" + catalog.keys(profile).map(AwsCredentials::accessKeyId).orElse("-");
    }

    private boolean goodFor(SessionToken t, Instant now, Instant wantedEnd) {
        return Freshness.usable(Freshness.remaining(margin, Freshness.SESSION_SHARE), t.start(), t.end(), now)
                && (wantedEnd == null || !t.end().isBefore(wantedEnd));
    }
}
