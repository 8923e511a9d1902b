package dev.stsfleet.sso;

import dev.stsfleet.StsCallException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The valid access token of one session, from the token cache: refreshed with the refresh token (and written
 * back) from 5 minutes before it ends, so every portal call carries a token with time left. Single-flight:
 * concurrent callers share one refresh. Thread-safe; the login it refreshes with is not closed here.
 */
public final class SsoTokens {
    private static final Logger LOG = LoggerFactory.getLogger(SsoTokens.class);
    /** Refresh this long before the access token ends. */
    public static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    private final SsoSession session;
    private final SsoTokenCache cache;
    private final SsoLogin login;
    private final Clock clock;
    private SsoToken current;
    private int refreshes;

    /** @param login refreshes the token; null when refreshing is not wanted */
    public SsoTokens(SsoSession session, SsoTokenCache cache, SsoLogin login, Clock clock) {
        this.session = Objects.requireNonNull(session, "session");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.login = login;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A token valid now (refreshed first when it ends within 5 minutes and can be).
     *
     * @throws SsoLoginException when there is no token, or it ended and cannot be refreshed: sign in again
     * @throws StsCallException  when the refresh is refused for another reason than an ended session
     */
    public synchronized SsoToken token() {
        Instant now = clock.instant();
        if (current == null || now.isAfter(current.expiresAt().minus(REFRESH_BEFORE))) {
            // Another process (the AWS CLI, another stsfleet) may have signed in or refreshed since.
            current = cache.read(session).orElseThrow(() -> new SsoLoginException("no Identity Center token for "
                    + session.describe() + " (" + cache.file(session) + "): run stsfleet sso login"
                    + (session.name() == null ? "" : " --sso-session " + session.name())));
        }
        if (now.isAfter(current.expiresAt().minus(REFRESH_BEFORE)) && login != null && current.refreshableAt(now)) {
            try {
                current = login.refresh(session, current);
                refreshes++;
                cache.write(session, current);
                LOG.debug("{}: access token refreshed, ends {}", session.describe(), current.expiresAt());
            } catch (StsCallException e) {
                if (!now.isBefore(current.expiresAt())) {
                    throw new SsoLoginException("the Identity Center token for " + session.describe()
                            + " ended and could not be refreshed (" + e.code() + "): run stsfleet sso login");
                }
                LOG.warn("{}: the token refresh failed ({}); the current token ends {}", session.describe(), e.code(),
                        current.expiresAt());
            }
        }
        if (!now.isBefore(current.expiresAt())) {
            throw new SsoLoginException("the Identity Center token for " + session.describe() + " ended at "
                    + SsoToken.rfc3339(current.expiresAt()) + ": run stsfleet sso login"
                    + (session.name() == null ? "" : " --sso-session " + session.name()));
        }
        return current;
    }

    /** The access token string of {@link #token()}. */
    public String accessToken() {
        return token().accessToken();
    }

    /** How many refreshes this object made. */
    public synchronized int refreshes() {
        return refreshes;
    }

    public SsoSession session() {
        return session;
    }

    @Override
    public String toString() {
        return "SsoTokens[" + session.describe() + "]";
    }
}
