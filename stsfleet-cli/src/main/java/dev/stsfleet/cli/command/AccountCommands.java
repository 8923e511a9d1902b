package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.Format;
import dev.stsfleet.format.BotoJsonRenderer;
import dev.stsfleet.format.FleetJsonRenderer;
import dev.stsfleet.format.TableRenderer;
import dev.stsfleet.sts.StsGateway;
import dev.stsfleet.org.AccountFiles;
import dev.stsfleet.org.TargetAccount;
import dev.stsfleet.sts.RegionalGateways;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What {@code cross-account} and {@code saml} share: reading account ids, the STS gateway, the output. */
final class AccountCommands {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    private AccountCommands() {
    }

    /**
     * The account ids of {@code --accounts} (comma-separated) or {@code --accounts-file} (see
     * {@link AccountFiles}), every bad or repeated id reported together, before any call.
     *
     * @throws InvalidInputException listing every problem (exit 2)
     */
    static List<String> accounts(List<String> listed, Path file) {
        return accountList(listed, file).stream().map(TargetAccount::id).toList();
    }

    /** {@link #accounts} with the names an accounts file gives (CSV, JSON or YAML). */
    static List<TargetAccount> accountList(List<String> listed, Path file) {
        List<String> problems = new ArrayList<>();
        List<TargetAccount> read = new ArrayList<>();
        if (listed != null && !listed.isEmpty()) {
            for (String id : listed) {
                String trimmed = id.trim();
                if (ACCOUNT_ID.matcher(trimmed).matches()) {
                    read.add(new TargetAccount(trimmed, null));
                } else {
                    problems.add("--accounts: not a 12-digit AWS account id: '"
                            + (trimmed.length() > 40 ? trimmed.substring(0, 40) + "..." : trimmed) + "'");
                }
            }
        } else {
            read.addAll(AccountFiles.read(file, problems));
        }
        Map<String, TargetAccount> seen = new LinkedHashMap<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (TargetAccount a : read) {
            if (seen.putIfAbsent(a.id(), a) != null) {
                repeated.add(a.id());
            }
        }
        repeated.forEach(id -> problems.add("account " + id + " is named more than once"));
        if (problems.isEmpty() && read.isEmpty()) {
            problems.add(file == null ? "--accounts names no account" : "the accounts file " + file + " names no account");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(seen.values());
    }

    /**
     * The STS gateway for the global options: region and endpoint resolved exactly as {@code generate} resolves
     * them (a fleet is built for that and closed at once; it reads the config files but makes no call).
     */
    static StsGateway gateway(CommandContext cli, ConcurrencyOptions limits) {
        try (StsFleet fleet = FleetFactory.builder(cli).concurrency(limits.concurrency()).build()) {
            return StsGateway.builder()
                    .region(fleet.region())
                    .endpoint(fleet.endpoint().orElse(null))
                    .maxConnections(limits.concurrency())
                    .throttleControl(limits.throttleControl())
                    .callLimits(fleet.callLimits())
                    .clock(cli.context().clock())
                    .build();
        }
    }

    /**
     * One STS gateway per region of {@code regions}, region and endpoint otherwise as {@link #gateway}: with an
     * endpoint override every region's calls go to it, signed for their own region.
     */
    static RegionalGateways regionalGateways(CommandContext cli, ConcurrencyOptions limits, List<String> regions) {
        try (StsFleet fleet = FleetFactory.builder(cli).concurrency(limits.concurrency()).build()) {
            return RegionalGateways.builder()
                    .regions(regions)
                    .endpoint(fleet.endpoint().orElse(null))
                    .maxConnections(limits.concurrency())
                    .throttleControl(limits.throttleControl())
                    .callLimits(fleet.callLimits())
                    .clock(cli.context().clock())
                    .build();
        }
    }

    /**
     * The endpoint of another AWS service than STS, by the AWS convention: {@code --endpoint-url} for every service,
     * else {@code AWS_ENDPOINT_URL_<SERVICE>} for this one ({@code ORGANIZATIONS}, {@code SSO}, {@code SSO_OIDC}),
     * else {@code AWS_ENDPOINT_URL} for every service, else {@code null} (the SDK's endpoint).
     *
     * @throws dev.stsfleet.InvalidInputException naming the option or variable when the value is not a usable URL
     */
    static java.net.URI serviceEndpoint(CommandContext cli, String service) {
        if (cli.global().endpointUrl() != null) {
            return dev.stsfleet.sts.EndpointUrl.parse("--endpoint-url", cli.global().endpointUrl());
        }
        for (String name : List.of("AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL")) {
            String v = cli.context().environment().get(name);
            if (v != null && !v.isBlank()) {
                return dev.stsfleet.sts.EndpointUrl.parse(name, v);
            }
        }
        return null;
    }

    /**
     * Renders the result ({@code format} null: the caller did), names each failure on stderr, prints the summary;
     * returns the exit code.
     */
    static int report(FleetResult result, Format format, CommandContext cli, Output output, String noun) {
        return report(result, format, cli, output, noun, Map.of());
    }

    /**
     * {@link #report(FleetResult, Format, CommandContext, Output, String)} with the STS calls per
     * region of a spread run: in the JSON summary ({@code stsCallsByRegion}) and on stderr; none when empty.
     */
    static int report(FleetResult result, Format format, CommandContext cli, Output output, String noun,
                      Map<String, Long> callsByRegion) {
        if (format != null) { // null: the caller rendered the credentials (cross-account --format env)
            switch (format) {
                case boto -> BotoJsonRenderer.render(result, output.stdout());
                case json -> FleetJsonRenderer.render(result, callsByRegion.isEmpty() ? Map.of()
                        : Map.of("stsCallsByRegion", callsByRegion), output.stdout());
                case table -> new TableRenderer(cli.context().clock()).render(result, output.stdout());
            }
        }
        for (ProfileResult.Failed f : result.failures().values()) {
            output.problem("stsfleet: " + noun + " " + f.profile() + " failed: " + f.code() + ": " + f.message());
        }
        if (!callsByRegion.isEmpty()) {
            StringBuilder line = new StringBuilder("stsfleet: STS calls by region:");
            callsByRegion.forEach((region, n) -> line.append(' ').append(region).append(' ').append(n));
            output.info(line.toString());
        }
        output.info(String.format(Locale.ROOT, "stsfleet: %d of %d %ss succeeded, %d failed, in %.1f s",
                result.succeeded(), result.requested(), noun, result.failed(), result.elapsed().toMillis() / 1000.0));
        output.flush();
        return result.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
    }

    static String progressLine(String command, ProfileResult r, int done, int total) {
        return String.format(Locale.ROOT, "%s: %d/%d done%s", command, done, total,
                r.succeeded() ? "" : " (last failure: " + r.profile() + ")");
    }
}
