package dev.stsfleet.cli;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.option.GlobalOptions;
import dev.stsfleet.cli.option.MfaOptions;
import org.slf4j.LoggerFactory;
import dev.stsfleet.sts.CallLimits;
import dev.stsfleet.sts.EndpointUrl;
import dev.stsfleet.cli.option.DurationConverter;
import java.time.Duration;
import java.net.URI;

/** Builds the {@link StsFleet} a command works with, from the global options and the context. */
public final class FleetFactory {
    private FleetFactory() {
    }

    /**
     * The fleet of a command: the global options, the context's environment and clock, and the one MFA session
     * cache every command shares (so a session made by any command serves the others while it lasts).
     */
    public static StsFleet.Builder builder(CommandContext cli) {
        GlobalOptions g = cli.global();
        CliContext context = cli.context();
        StsFleet.Builder b = StsFleet.builder()
                .environment(context.environment())
                .clock(context.clock())
                .format(OutputFormat.VAULT);
        try {
            b.sessionCache(Credentials.sessionTokens(context));
        } catch (InvalidInputException e) {
            if (e.getMessage().startsWith("refusing to")) {
                throw e; // another user's or a planted state directory: a trust problem, never just skipped
            }
            // A state directory that cannot be created costs the cache, not the command.
            LoggerFactory.getLogger(FleetFactory.class).warn("the MFA session cache cannot be used: {}", e.getMessage());
        }
        if (g.profile() != null) {
            b.sourceProfile(g.profile());
        }
        if (g.region() != null) {
            b.region(g.region());
        }
        if (g.endpointUrl() != null) {
            b.endpoint(endpoint(g.endpointUrl()));
        }
        b.callLimits(callLimits(g));
        if (g.configFile() != null) {
            b.configFile(g.configFile());
        }
        if (g.credentialsFile() != null) {
            b.credentialsFile(g.credentialsFile());
        }
        return b;
    }

    /** {@link #builder(CommandContext)} with the command's MFA codes and, on a terminal, a prompt for missing ones. */
    public static StsFleet.Builder builder(CommandContext cli, MfaOptions mfa) {
        return mfa.applyTo(builder(cli), cli.context());
    }

    /** {@link #builder(CommandContext, MfaOptions)} with what every AssumeRole of the command carries. */
    public static StsFleet.Builder builder(CommandContext cli, MfaOptions mfa, RequestOptions options) {
        return builder(cli, mfa).requestOptions(options);
    }

    /**
     * The connect and call deadlines of every AWS call of a command: {@code --connect-timeout} and
     * {@code --call-timeout}, else the library's defaults.
     *
     * @throws UsageException when one is zero or negative
     */
    public static CallLimits callLimits(GlobalOptions g) {
        CallLimits limits = CallLimits.DEFAULT;
        if (g.connectTimeout() != null) {
            limits = limits.withConnectTimeout(positive("--connect-timeout", g.connectTimeout()));
        }
        if (g.callTimeout() != null) {
            limits = limits.withCallTimeout(positive("--call-timeout", g.callTimeout()));
        }
        return limits;
    }

    private static Duration positive(String option, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new UsageException(option + " must be more than 0, not " + DurationConverter.format(d));
        }
        return d;
    }

    static URI endpoint(String value) {
        return EndpointUrl.parse("--endpoint-url", value);
    }
}
