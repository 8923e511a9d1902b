package dev.stsfleet;

import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.sts.AssumedRole;
import dev.stsfleet.sts.StsGateway;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * Assumes roles along their {@code source_profile} chains for one bulk call (or one refresh): the first hop
 * signed by what the plan gave the role's root (an MFA session, or long-term keys), every later hop with the
 * credentials of the role before it. Each role of the call is assumed at most once, so intermediate roles
 * shared by many are assumed once. Thread-safe.
 */
final class RoleChain {
    private static final Logger LOG = LoggerFactory.getLogger(RoleChain.class);
    /** AWS caps a role session assumed with temporary credentials (role chaining) at one hour. */
    static final int CHAINED_MAX_SECONDS = 3600;
    static final int DEFAULT_ROLE_SECONDS = 3600;
    private static final Pattern SESSION_NAME_CHAR = Pattern.compile("[^\\w+=,.@-]");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What signs the first hop of a root's roles. */
    interface Roots {
        /**
         * The caller of a root's first hop: an MFA session (temporary credentials) or long-term keys.
         *
         * @throws StsCallException when the root has nothing usable (e.g. its MFA session ended)
         */
        First first(String sourceProfile, String mfaSerial);
    }

    /** The first hop's caller, whether it is temporary, and the MFA device of its session (for session names). */
    record First(AwsCredentials caller, boolean temporary, String sessionMfaSerial, String description) {
    }

    private final ProfileCatalog catalog;
    private final StsGateway gateway;
    private final Roots roots;
    private final RequestOptions options;
    private final Map<String, FutureTask<AssumedRole>> assumed = new ConcurrentHashMap<>();

    RoleChain(ProfileCatalog catalog, StsGateway gateway, Roots roots) {
        this(catalog, gateway, roots, RequestOptions.NONE);
    }

    /**
     * @param options what every AssumeRole carries (validated): in full on a hop from the root; on a hop signed by
     *                a role assumed here, {@link RequestOptions#forChainedHop()} (AWS carries the source identity
     *                and transitive tags down the chain itself)
     */
    RoleChain(ProfileCatalog catalog, StsGateway gateway, Roots roots, RequestOptions options) {
        this.catalog = catalog;
        this.gateway = gateway;
        this.roots = roots;
        this.options = options;
    }

    /**
     * The role's credentials, assumed at most once per chain object: the first caller assumes it in its own
     * thread, later callers wait for that result. No worker waits for a task queued behind it, so a bounded
     * pool cannot deadlock on shared intermediate roles.
     */
    AssumedRole assume(RoleProfile role) {
        FutureTask<AssumedRole> task = new FutureTask<>(() -> assumeNow(role));
        FutureTask<AssumedRole> existing = assumed.putIfAbsent(role.name(), task);
        if (existing == null) {
            task.run();
            existing = task;
        }
        try {
            return existing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StsFleetException(String.valueOf(e.getCause()));
        }
    }

    private AssumedRole assumeNow(RoleProfile role) {
        String name = role.name();
        AwsCredentials caller;
        boolean chained;
        String user;
        RequestOptions hopOptions = options;
        RoleProfile parent = catalog.parentRole(role).orElse(null);
        if (parent != null) {
            AssumedRole p;
            try {
                LOG.debug("profile {}: its source is role profile {}, assumed first", name, parent.name());
                p = assume(parent);
            } catch (StsCallException e) {
                throw new StsCallException(e.code(), "source role profile " + parent.name() + ": " + messageOf(e));
            }
            caller = p.credentials().toSdkCredentials();
            chained = true;
            user = userOf(role.mfaSerial());
            hopOptions = options.forChainedHop();
            LOG.debug("profile {}: AssumeRole with the credentials of role profile {}", name, parent.name());
        } else {
            First first = roots.first(role.credentialSource(), role.mfaSerial());
            caller = first.caller();
            chained = first.temporary();
            user = userOf(first.sessionMfaSerial() != null ? first.sessionMfaSerial() : role.mfaSerial());
            LOG.debug("profile {}: AssumeRole with {}", name, first.description());
        }
        int duration = role.durationSeconds() == null ? DEFAULT_ROLE_SECONDS : role.durationSeconds();
        if (chained && duration > CHAINED_MAX_SECONDS) {
            LOG.debug("profile {}: duration_seconds {} clamped to {} (AWS caps role chaining at one hour)",
                    name, duration, CHAINED_MAX_SECONDS);
            duration = CHAINED_MAX_SECONDS;
        }
        String root = role.credentialSource() == null ? null
                : role.credentialSource().replace(dev.stsfleet.profile.RootProfile.CREDENTIAL_SOURCE_PREFIX, "");
        String sessionName = role.roleSessionName() != null ? role.roleSessionName()
                : sessionName(user != null ? user : root);
        LOG.debug("profile {}: AssumeRole {} as session {} for {} s{}{}", name, role.roleArn(), sessionName,
                duration, role.externalId() == null ? "" : " with an external id",
                hopOptions.isEmpty() ? "" : " with " + hopOptions.describe()
                        + (hopOptions == options ? "" : " (the source identity and transitive tags come down the chain)"));
        return gateway.assumeRole(caller, role.roleArn(), sessionName, duration, role.externalId(), hopOptions);
    }

    /** The message part of an StsCallException, without the code prefix the exception adds. */
    static String messageOf(StsCallException e) {
        String m = e.getMessage();
        String prefix = e.code() + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
    }

    /** A valid session name: the user (or profile), sanitised, plus a short random suffix. */
    static String sessionName(String user) {
        String base = user == null ? "" : SESSION_NAME_CHAR.matcher(user).replaceAll("-");
        if (base.isEmpty()) {
            base = "stsfleet";
        }
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String tail = "-" + HexFormat.of().formatHex(suffix);
        return (base.length() > 64 - tail.length() ? base.substring(0, 64 - tail.length()) : base) + tail;
    }

    /** The user name in an IAM ARN ({@code arn:aws:iam::1:mfa/alice} or {@code ...:user/alice}), if any. */
    static String userOf(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        int slash = arn.lastIndexOf('/');
        return slash < 0 || slash == arn.length() - 1 ? null : arn.substring(slash + 1);
    }
}
