package dev.stsfleet;

import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.RootProfile;
import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.sts.AssumedRole;
import dev.stsfleet.sts.StsGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The roots that are credentials sources of their own (a web identity profile, {@code credential_source},
 * {@code credential_process}): each fetched once and held while fresh (the freshness rule of MFA sessions: more
 * than the margin and a quarter of its life left), fetched again after that, single-flight per root. A web
 * identity root reads its token file at every fetch (CI systems and EKS rotate it). Thread-safe.
 */
final class RootSources {
    private static final Logger LOG = LoggerFactory.getLogger(RootSources.class);

    /** One root's way to credentials. */
    interface Source {
        /** New credentials. @throws StsCallException naming the root */
        Fetched fetch();
    }

    /**
     * A root's credentials: temporary (with a session token and an expiry) or long-term (neither).
     *
     * @param expiration when they end, or {@code null} for credentials that do not expire
     */
    record Fetched(AwsCredentials credentials, Instant start, Instant expiration) {
        static Fetched of(TemporaryCredentials c) {
            return new Fetched(c.toSdkCredentials(), c.start(), c.expiration());
        }

        boolean temporary() {
            return credentials instanceof AwsSessionCredentials;
        }

        @Override
        public String toString() {
            String id = credentials.accessKeyId();
            return "Fetched[accessKeyId=****" + id.substring(Math.max(0, id.length() - 4)) + ", expiration="
                    + expiration + "]";
        }
    }

    /** How long temporary credentials of unknown expiry are used before their provider is asked again. */
    static final java.time.Duration UNKNOWN_END_RECHECK = java.time.Duration.ofMinutes(5);

    private final ProfileCatalog catalog;
    private final StsGateway gateway;
    private final Clock clock;
    private final Map<String, String> environment;
    private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();

    RootSources(ProfileCatalog catalog, StsGateway gateway, Clock clock, Map<String, String> environment) {
        this.catalog = catalog;
        this.gateway = gateway;
        this.clock = clock;
        this.environment = environment;
    }

    /** Whether {@code root} is a source of its own (not long-term keys), so this class serves it. */
    boolean serves(String root) {
        return catalog.root(root).map(r -> r.kind() != RootProfile.Kind.KEYS).orElse(false);
    }

    /**
     * The root's credentials as they are now: the held ones while fresh, else fetched (once, however many callers
     * ask at the same time).
     *
     * @throws StsCallException naming the root when they cannot be had
     */
    Fetched current(String root) {
        return held.computeIfAbsent(root, r -> new Held(r, source(r))).current();
    }

    /** The first hop's caller for roles of {@code root}. */
    RoleChain.First first(String root) {
        Fetched c = current(root);
        RootProfile.Kind kind = catalog.root(root).orElseThrow().kind();
        // Credentials with a session token are temporary: a role assumed with them is role chaining (one hour).
        return new RoleChain.First(c.credentials(), c.temporary(), null,
                "the credentials of " + describe(root) + " (" + kind.words() + ")");
    }

    /** The root in words: "source profile ci", or "credential_source = Environment". */
    static String describe(String root) {
        return root.startsWith(RootProfile.CREDENTIAL_SOURCE_PREFIX)
                ? "credential_source = " + root.substring(RootProfile.CREDENTIAL_SOURCE_PREFIX.length())
                : "source profile " + root;
    }

    private Source source(String root) {
        RootProfile.Kind kind = catalog.root(root).map(RootProfile::kind).orElseThrow(() ->
                new StsCallException("ClientError", describe(root) + " is not a credentials source"));
        return switch (kind) {
            case WEB_IDENTITY -> () -> webIdentity(root);
            default -> RootProviders.of(root, kind, catalog, environment, clock);
        };
    }

    /**
     * The source identity a web identity root's token sets (its {@code https://aws.amazon.com/source_identity}
     * claim), read without verifying the token (STS verifies it); empty when there is none or the file cannot be
     * read now (the run then says so when it reads it).
     */
    Optional<String> tokenSourceIdentity(String root) {
        Optional<String> file = catalog.property(root, "web_identity_token_file");
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip().split("\\.");
            if (parts.length != 3) {
                return Optional.empty();
            }
            com.fasterxml.jackson.databind.JsonNode claims = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
            return Optional.ofNullable(claims.path("https://aws.amazon.com/source_identity").textValue());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** AssumeRoleWithWebIdentity with the token as the file holds it now. */
    private Fetched webIdentity(String root) {
        String file = catalog.property(root, "web_identity_token_file").orElseThrow();
        String roleArn = catalog.property(root, "role_arn").orElseThrow();
        String token;
        try {
            token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new StsCallException("InvalidIdentityToken", describe(root) + " (web identity): its token file "
                    + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (token.isEmpty()) {
            throw new StsCallException("InvalidIdentityToken", describe(root) + " (web identity): its token file "
                    + file + " is empty");
        }
        String sessionName = catalog.property(root, "role_session_name").filter(s -> !s.isEmpty())
                .orElseGet(() -> RoleChain.sessionName("stsfleet"));
        Integer duration = catalog.property(root, "duration_seconds").map(Integer::valueOf).orElse(null);
        LOG.debug("{}: AssumeRoleWithWebIdentity {} as session {} with the token read from {}", describe(root),
                roleArn, sessionName, file);
        try {
            AssumedRole a = gateway.assumeRoleWithWebIdentity(roleArn, sessionName, token, duration);
            return Fetched.of(a.credentials());
        } catch (StsCallException e) {
            throw new StsCallException(e.code(), describe(root) + " (web identity, role " + roleArn + "): "
                    + RoleChain.messageOf(e));
        }
    }

    /** One root's credentials, renewed by the freshness rule of sessions. */
    private final class Held {
        private final String root;
        private final Source source;
        private volatile Fetched current;

        Held(String root, Source source) {
            this.root = root;
            this.source = source;
        }

        Fetched current() {
            Fetched c = current;
            if (fresh(c)) {
                return c;
            }
            synchronized (this) {
                c = current;
                if (fresh(c)) {
                    return c;
                }
                c = source.fetch();
                current = c;
                LOG.debug("{}: credentials until {}", describe(root), c.expiration() == null ? "-"
                        : TemporaryCredentials.isoUtc(c.expiration()));
                return c;
            }
        }

        private boolean fresh(Fetched c) {
            if (c == null) {
                return false;
            }
            if (c.expiration() == null) {
                // Long-term keys do not expire; temporary ones whose provider did not say when they end are asked
                // for again after a while (the provider answers from its own cache while they last).
                return !c.temporary() || clock.instant().isBefore(c.start().plus(UNKNOWN_END_RECHECK));
            }
            Instant now = clock.instant();
            return Freshness.usable(Freshness.remaining(Freshness.CACHE_MARGIN, Freshness.SESSION_SHARE),
                    c.start(), c.expiration(), now);
        }
    }
}
