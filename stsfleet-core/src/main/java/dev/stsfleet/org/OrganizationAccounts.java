package dev.stsfleet.org;

import dev.stsfleet.StsCallException;
import dev.stsfleet.ThrottleControl;
import dev.stsfleet.sts.CallLimits;
import dev.stsfleet.sts.SdkClients;
import dev.stsfleet.sts.StsGateway;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.OrganizationsClientBuilder;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.ListAccountsForParentResponse;
import software.amazon.awssdk.services.organizations.model.ListAccountsResponse;
import software.amazon.awssdk.services.organizations.model.ListOrganizationalUnitsForParentResponse;
import software.amazon.awssdk.services.organizations.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.organizations.model.Tag;

/**
 * The accounts of an {@link OrganizationSelection}, read from AWS Organizations with one caller's credentials
 * (the management account or a delegated administrator): DescribeOrganization for the management account,
 * then ListAccounts (the whole organization) or ListOrganizationalUnitsForParent and ListAccountsForParent
 * down every selected subtree, then ListTagsForResource per account when tags are asked for. Every page is
 * followed through the SDK's paginators (a page may be empty and still carry a next token). An account is
 * targeted when its {@code State} is {@code ACTIVE}; {@code Status}, which AWS retires, is read only when an
 * implementation sends no {@code State}. {@code TooManyRequestsException} is retried with the backoff of the
 * STS calls ({@link StsGateway#retryStrategy(ThrottleControl, int, Duration)}).
 *
 * <p>Thread-safe; the calls of one {@link #resolve} are made one at a time. Closing closes the client; the
 * credentials provider is not closed.
 */
public final class OrganizationAccounts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrganizationAccounts.class);
    private final OrganizationsClient client;
    private final String caller;
    private final CallLimits limits;

    /** What a resolution found. @param accounts the targets, in listing order */
    public record Resolution(String managementAccountId, List<TargetAccount> accounts, int listed, int inactive,
                             int excluded, int withoutTags) {
        public Resolution {
            accounts = List.copyOf(accounts);
        }
    }

    private OrganizationAccounts(Builder b) {
        this.caller = b.callerDescription;
        this.limits = b.limits;
        OrganizationsClientBuilder cb = OrganizationsClient.builder()
                .region(Region.of(b.region))
                .credentialsProvider(b.credentials);
        SdkClients.configure(cb, b.limits, 2, StsGateway.retryStrategy(b.throttleControl, b.maxAttempts, b.maxBackoff),
                b.limits.callTimeout());
        if (b.endpoint != null) {
            cb.endpointOverride(b.endpoint);
        }
        this.client = cb.build();
        LOG.debug("Organizations client: region {}, endpoint {}, throttle control {}", b.region,
                b.endpoint == null ? "the SDK's" : b.endpoint, b.throttleControl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The targeted accounts.
     *
     * @throws StsCallException with AWS's code when Organizations refuses ({@code AccessDeniedException},
     *                          {@code AWSOrganizationsNotInUseException}, ...) or cannot be reached
     */
    public Resolution resolve(OrganizationSelection selection) {
        Objects.requireNonNull(selection, "selection");
        try {
            String management = client.describeOrganization().organization().masterAccountId();
            Map<String, Account> listed = new LinkedHashMap<>();
            if (selection.wholeOrganization()) {
                for (ListAccountsResponse page : client.listAccountsPaginator()) {
                    page.accounts().forEach(a -> listed.putIfAbsent(a.id(), a));
                }
            } else {
                for (String ou : selection.ous()) {
                    subtree(ou, listed);
                }
            }
            List<TargetAccount> out = new ArrayList<>();
            int inactive = 0;
            int excluded = 0;
            int untagged = 0;
            for (Account a : listed.values()) {
                if (!active(a)) {
                    inactive++;
                } else if (selection.excluded().contains(a.id())
                        || (a.id().equals(management) && !selection.includeManagement())) {
                    excluded++;
                } else if (!selection.tags().isEmpty() && !hasTags(a.id(), selection.tags())) {
                    untagged++;
                } else {
                    out.add(new TargetAccount(a.id(), a.name()));
                }
            }
            LOG.debug("Organizations: {} accounts listed, {} not ACTIVE, {} excluded, {} without the tags, {} targeted",
                    listed.size(), inactive, excluded, untagged, out.size());
            return new Resolution(management, out, listed.size(), inactive, excluded, untagged);
        } catch (SdkException e) {
            throw failure(e);
        }
    }

    /** Every account under {@code parent}, all levels down, breadth first. */
    private void subtree(String parent, Map<String, Account> listed) {
        Deque<String> parents = new ArrayDeque<>(List.of(parent));
        while (!parents.isEmpty()) {
            String p = parents.poll();
            for (ListAccountsForParentResponse page : client.listAccountsForParentPaginator(r -> r.parentId(p))) {
                page.accounts().forEach(a -> listed.putIfAbsent(a.id(), a));
            }
            for (ListOrganizationalUnitsForParentResponse page
                    : client.listOrganizationalUnitsForParentPaginator(r -> r.parentId(p))) {
                page.organizationalUnits().forEach(ou -> parents.add(ou.id()));
            }
        }
    }

    private boolean hasTags(String accountId, Map<String, String> wanted) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (ListTagsForResourceResponse page : client.listTagsForResourcePaginator(r -> r.resourceId(accountId))) {
            for (Tag t : page.tags()) {
                tags.put(t.key(), t.value());
            }
        }
        return wanted.entrySet().stream().allMatch(w -> w.getValue().equals(tags.get(w.getKey())));
    }

    @SuppressWarnings("deprecation")
    private static boolean active(Account a) {
        String state = a.stateAsString();
        if (state == null) {
            // An implementation that predates State (AWS sends both until Status is retired).
            return "ACTIVE".equals(a.statusAsString());
        }
        return "ACTIVE".equals(state);
    }

    private StsCallException failure(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            String code = s.awsErrorDetails().errorCode();
            String message = s.awsErrorDetails().errorMessage();
            return new StsCallException(code == null ? "HTTP" + s.statusCode() : code,
                    "AWS Organizations refused " + caller + ": " + (message == null ? "HTTP " + s.statusCode() : message)
                            + " (targets from Organizations need the management account or a delegated administrator)");
        }
        StsCallException network = StsGateway.networkFailure(e, "AWS Organizations", limits);
        return network != null ? network
                : new StsCallException("ClientError", "AWS Organizations could not be called: " + e.getClass().getSimpleName());
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "OrganizationAccounts[" + caller + "]";
    }

    /** Configures an {@link OrganizationAccounts}. Not thread-safe. */
    public static final class Builder {
        private AwsCredentialsProvider credentials;
        private String callerDescription = "the caller";
        private String region = "us-east-1";
        private URI endpoint;
        private ThrottleControl throttleControl = ThrottleControl.AIMD;
        private int maxAttempts = 10;
        private Duration maxBackoff = Duration.ofSeconds(20);
        private CallLimits limits = CallLimits.DEFAULT;

        private Builder() {
        }

        /** The caller: the management account or a delegated administrator. Required. */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** How the caller is named in messages (no secret). Default {@code the caller}. */
        public Builder callerDescription(String description) {
            this.callerDescription = Objects.requireNonNull(description, "description");
            return this;
        }

        /** The region the SDK resolves Organizations' (global) endpoint from. Default {@code us-east-1}. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The Organizations endpoint. Default {@code null}: the SDK's. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Retries on throttling as the STS calls do. Default {@link ThrottleControl#AIMD}. */
        public Builder throttleControl(ThrottleControl control) {
            this.throttleControl = Objects.requireNonNull(control, "control");
            return this;
        }

        /** Attempts per call, the first included. Default 10. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The cap of one backoff delay. Default 20 seconds. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /** The deadline of one call, retries included. Default 30 seconds. */
        public Builder callTimeout(Duration callTimeout) {
            this.limits = limits.withCallTimeout(callTimeout);
            return this;
        }

        /**
         * The connect and call deadlines of every call (replaces an earlier {@link #callTimeout}). Default:
         * {@link CallLimits#DEFAULT}, 2 seconds to connect and 30 for a call.
         */
        public Builder callLimits(CallLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public OrganizationAccounts build() {
            if (credentials == null) {
                throw new IllegalStateException("credentials are required");
            }
            return new OrganizationAccounts(this);
        }
    }
}
