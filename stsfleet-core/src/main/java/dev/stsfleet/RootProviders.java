package dev.stsfleet;

import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.RootProfile;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The roots served by the AWS SDK's own providers: {@code Ec2InstanceMetadata} (IMDSv2, honouring
 * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}), {@code EcsContainer} (honouring
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} / {@code _RELATIVE_URI} and the authorization token variables) and
 * {@code credential_process}; and {@code Environment}, read from the fleet's environment (the SDK's provider reads
 * only the process's, which would ignore {@link StsFleet.Builder#environment}). Failures become
 * {@link StsCallException}s naming the root, never the SDK's text with a secret in it.
 */
final class RootProviders {
    private static final Logger LOG = LoggerFactory.getLogger(RootProviders.class);

    private RootProviders() {
    }

    static RootSources.Source of(String root, RootProfile.Kind kind, ProfileCatalog catalog, Map<String, String> env,
                                 Clock clock) {
        String where = RootSources.describe(root);
        return switch (kind) {
            case ENVIRONMENT -> () -> environment(where, env, clock);
            case EC2_INSTANCE_METADATA -> sdk(where, kind, () -> ec2(env), clock);
            case ECS_CONTAINER -> sdk(where, kind, () -> ContainerCredentialsProvider.builder()
                    .asyncCredentialUpdateEnabled(false).build(), clock);
            case CREDENTIAL_PROCESS -> sdk(where, kind, () -> ProcessCredentialsProvider.builder()
                    .command(catalog.property(root, "credential_process").orElseThrow())
                    .asyncCredentialUpdateEnabled(false).build(), clock);
            default -> throw new IllegalArgumentException("not a provider root: " + kind);
        };
    }

    private static AwsCredentialsProvider ec2(Map<String, String> env) {
        InstanceProfileCredentialsProvider.Builder b = InstanceProfileCredentialsProvider.builder()
                .asyncCredentialUpdateEnabled(false);
        String endpoint = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            b.endpoint(endpoint.trim());
        }
        return b.build();
    }

    /**
     * A source asking a new SDK provider at every fetch: {@link RootSources} decides when to fetch (one freshness
     * rule), so the provider's own cache, on the system clock, must not answer for it; closed after each fetch.
     */
    private static RootSources.Source sdk(String where, RootProfile.Kind kind,
                                          Supplier<? extends AwsCredentialsProvider> providers, Clock clock) {
        return () -> {
            AwsCredentials c;
            AwsCredentialsProvider provider = providers.get();
            try {
                c = provider.resolveCredentials();
            } catch (SdkException e) {
                // The SDK's message names the endpoint or the command, not a secret; the type says what failed.
                throw new StsCallException("CredentialSourceFailed", where + " (" + kind.words() + "): "
                        + safeLine(e));
            } finally {
                if (provider instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception ignored) {
                        // nothing held that matters
                    }
                }
            }
            Instant expiration = c.expirationTime().orElse(null);
            LOG.debug("{}: {} credentials from the SDK's {}{}", where, c instanceof AwsSessionCredentials
                    ? "temporary" : "long-term", provider.getClass().getSimpleName(),
                    expiration == null ? "" : " until " + TemporaryCredentials.isoUtc(expiration));
            return new RootSources.Fetched(c, clock.instant(), expiration);
        };
    }

    private static RootSources.Fetched environment(String where, Map<String, String> env, Clock clock) {
        String id = blankToNull(env.get("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(env.get("AWS_SECRET_ACCESS_KEY"));
        if (id == null || secret == null) {
            throw new StsCallException("CredentialSourceFailed", where + ": AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY are not both set");
        }
        String token = blankToNull(env.get("AWS_SESSION_TOKEN"));
        Instant expiration = null;
        String expires = blankToNull(env.get("AWS_CREDENTIAL_EXPIRATION"));
        if (expires != null) {
            try {
                expiration = Instant.parse(expires.trim());
            } catch (RuntimeException e) {
                throw new StsCallException("CredentialSourceFailed", where + ": AWS_CREDENTIAL_EXPIRATION is not an "
                        + "ISO-8601 instant");
            }
        }
        LOG.debug("{}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set{}", where,
                token == null ? "" : ", AWS_SESSION_TOKEN set");
        AwsCredentials c = token == null ? AwsBasicCredentials.create(id, secret)
                : AwsSessionCredentials.builder().accessKeyId(id).secretAccessKey(secret).sessionToken(token)
                        .expirationTime(expiration).build();
        return new RootSources.Fetched(c, clock.instant(), expiration);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The SDK's first line when it cannot hold a process's output (which may hold keys), else only its type. */
    private static String safeLine(SdkException e) {
        String s = e.getMessage();
        if (s == null) {
            return e.getClass().getSimpleName();
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.contains("{") || line.length() > 200 ? e.getClass().getSimpleName() + " (details with --debug off)"
                : line;
    }
}
