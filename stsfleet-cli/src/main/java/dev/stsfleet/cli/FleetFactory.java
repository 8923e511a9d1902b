package dev.stsfleet.cli;

import dev.stsfleet.OutputFormat;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.option.GlobalOptions;
import dev.stsfleet.sts.EndpointUrl;
import java.net.URI;

/** Builds the {@link StsFleet} a command works with, from the global options and the context. */
public final class FleetFactory {
    private FleetFactory() {
    }

    public static StsFleet.Builder builder(RootCommand root) {
        GlobalOptions g = root.global();
        CliContext context = root.context();
        StsFleet.Builder b = StsFleet.builder()
                .environment(context.environment())
                .clock(context.clock())
                .format(OutputFormat.VAULT);
        if (g.profile() != null) {
            b.sourceProfile(g.profile());
        }
        if (g.region() != null) {
            b.region(g.region());
        }
        if (g.endpointUrl() != null) {
            b.endpoint(endpoint(g.endpointUrl()));
        }
        if (g.callTimeout() != null) {
            b.callTimeout(g.callTimeout());
        }
        if (g.configFile() != null) {
            b.configFile(g.configFile());
        }
        if (g.credentialsFile() != null) {
            b.credentialsFile(g.credentialsFile());
        }
        return b;
    }

    static URI endpoint(String value) {
        return EndpointUrl.parse("--endpoint-url", value);
    }
}
