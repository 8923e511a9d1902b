package dev.stsfleet.sts;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsCallException;
import dev.stsfleet.ThrottleControl;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.stsfleet.RequestOptions;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * AssumeRole calls spread over several regional STS endpoints, one {@link StsGateway} per region, each with
 * its own throttle control (AWS's STS quota is per account per Region, so each region's AIMD limit finds its
 * own rate). Every call goes to the region with the most room (its AIMD limit minus its calls in flight),
 * so a region that is throttled gets fewer calls and the regions finish together: the work is shared from
 * the caller's one queue, never divided up front.
 *
 * <p>A call answered {@code RegionDisabledException} (the role's account has not enabled that region) is
 * made again in another region, and that region is not tried again for that account. With an endpoint
 * override every region's calls go to that one URL, each signed for its own region.
 *
 * <p>Session tokens from a regional endpoint are valid in every Region enabled by default; a role's
 * credentials are valid everywhere. Thread-safe; closing closes every gateway.
 */
public final class RegionalGateways implements RoleAssumer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionalGateways.class);
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    /** The commercial Regions AWS enables by default (those launched before March 2019): {@code auto}. */
    public static final List<String> ENABLED_BY_DEFAULT = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1");

    private final List<String> regions;
    private final List<StsGateway> gateways;
    private final int ceiling;
    private final AtomicInteger[] inFlight;
    private final LongAdder[] calls;
    private final AtomicInteger next = new AtomicInteger();
    /** Account id to the indexes of the regions it answered RegionDisabledException in. */
    private final Map<String, Set<Integer>> disabled = new ConcurrentHashMap<>();

    private RegionalGateways(Builder b) {
        this.regions = List.copyOf(b.regions);
        this.ceiling = b.maxConnections;
        List<StsGateway> built = new ArrayList<>();
        try {
            for (String region : regions) {
                built.add(StsGateway.builder().region(region).endpoint(b.endpoint).maxConnections(b.maxConnections)
                        .throttleControl(b.throttleControl).callLimits(b.limits).clock(b.clock).build());
            }
        } catch (RuntimeException e) {
            built.forEach(StsGateway::close);
            throw e;
        }
        this.gateways = List.copyOf(built);
        this.inFlight = new AtomicInteger[regions.size()];
        this.calls = new LongAdder[regions.size()];
        for (int i = 0; i < regions.size(); i++) {
            inFlight[i] = new AtomicInteger();
            calls[i] = new LongAdder();
        }
        LOG.debug("STS calls spread over {} regions: {} ({} connections each, endpoint {})", regions.size(), regions,
                b.maxConnections, b.endpoint == null ? "each region's own" : b.endpoint);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The regions of an {@code --sts-regions} value: {@code auto} ({@link #ENABLED_BY_DEFAULT}) or region names,
     * comma-separated.
     *
     * @throws InvalidInputException naming every bad or repeated region
     */
    public static List<String> parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("--sts-regions names no region");
        }
        if (value.trim().equals("auto")) {
            return ENABLED_BY_DEFAULT;
        }
        List<String> problems = new ArrayList<>();
        Set<String> out = new LinkedHashSet<>();
        for (String r : value.split(",")) {
            String region = r.trim();
            if (!REGION.matcher(region).matches()) {
                problems.add("--sts-regions: not an AWS region name: '" + (region.length() > 40 ? region.substring(0, 40) : region) + "'");
            } else if (!out.add(region)) {
                problems.add("--sts-regions names " + region + " twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(out);
    }

    public List<String> regions() {
        return regions;
    }

    @Override
    public AssumedRole assumeRole(AwsCredentials caller, String roleArn, String sessionName, int durationSeconds,
                                  String externalId, RequestOptions options) {
        String account = accountOf(roleArn);
        StsCallException last = null;
        for (int attempt = 0; attempt < regions.size(); attempt++) {
            int r = pick(account);
            if (r < 0) {
                break;
            }
            inFlight[r].incrementAndGet();
            calls[r].increment();
            try {
                return gateways.get(r).assumeRole(caller, roleArn, sessionName, durationSeconds, externalId, options);
            } catch (StsCallException e) {
                if (!"RegionDisabledException".equals(e.code())) {
                    throw e;
                }
                LOG.debug("{}: STS is not enabled in {} for account {}; another region", roleArn, regions.get(r), account);
                disabled.computeIfAbsent(account, k -> ConcurrentHashMap.newKeySet()).add(r);
                last = e;
            } finally {
                inFlight[r].decrementAndGet();
            }
        }
        throw last != null ? new StsCallException("RegionDisabledException", "STS is enabled in none of the regions "
                + regions + " for account " + account) : new IllegalStateException("no region");
    }

    /** The region with the most room for {@code account}, or -1 if every region is disabled for it. */
    private int pick(String account) {
        Set<Integer> off = account == null ? Set.of() : disabled.getOrDefault(account, Set.of());
        int start = Math.floorMod(next.getAndIncrement(), regions.size());
        int best = -1;
        int bestRoom = Integer.MIN_VALUE;
        for (int k = 0; k < regions.size(); k++) {
            int i = (start + k) % regions.size();
            if (off.contains(i)) {
                continue;
            }
            AimdLimiter limiter = gateways.get(i).limiter();
            int room = (limiter == null ? ceiling : limiter.limit()) - inFlight[i].get();
            if (room > bestRoom) {
                best = i;
                bestRoom = room;
            }
        }
        return best;
    }

    private static String accountOf(String roleArn) {
        String[] parts = roleArn == null ? new String[0] : roleArn.split(":", 6);
        return parts.length == 6 ? parts[4] : null;
    }

    /** AssumeRole calls sent to each region so far (answered or not), in the configured order. */
    public Map<String, Long> callsByRegion() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < regions.size(); i++) {
            out.put(regions.get(i), calls[i].sum());
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public void close() {
        gateways.forEach(StsGateway::close);
    }

    @Override
    public String toString() {
        return "RegionalGateways" + regions;
    }

    /** Configures {@link RegionalGateways}. Not thread-safe. */
    public static final class Builder {
        private List<String> regions = List.of("us-east-1");
        private URI endpoint;
        private int maxConnections = 64;
        private ThrottleControl throttleControl = ThrottleControl.AIMD;
        private CallLimits limits = CallLimits.DEFAULT;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The regions, at least one, no repeats (see {@link #parse}). Default {@code us-east-1}. */
        public Builder regions(List<String> regions) {
            if (regions == null || regions.isEmpty() || Set.copyOf(regions).size() != regions.size()) {
                throw new InvalidInputException("the STS regions must be at least one region, none repeated");
            }
            this.regions = List.copyOf(regions);
            return this;
        }

        /** One endpoint for every region (each call signed for its region). Default {@code null}: each region's own. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Connections per region (and each region's AIMD ceiling). Default 64. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** Each region's throttle control. Default {@link ThrottleControl#AIMD}. */
        public Builder throttleControl(ThrottleControl throttleControl) {
            this.throttleControl = Objects.requireNonNull(throttleControl, "throttleControl");
            return this;
        }

        /** The deadline of one call in one region, retries included. Default 30 seconds. */
        public Builder callTimeout(Duration callTimeout) {
            this.limits = limits.withCallTimeout(callTimeout);
            return this;
        }

        /**
         * The connect and call deadlines of every call in every region (replaces an earlier {@link #callTimeout}).
         * Default: {@link CallLimits#DEFAULT}, 2 seconds to connect and 30 for a call.
         */
        public Builder callLimits(CallLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The clock that signs requests and stamps credentials. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public RegionalGateways build() {
            return new RegionalGateways(this);
        }
    }
}
