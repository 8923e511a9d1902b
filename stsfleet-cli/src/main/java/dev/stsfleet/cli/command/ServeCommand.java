package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.ProfileSelection;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.server.ContainerCredentialsServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Serves fresh role credentials to SDKs on 127.0.0.1.",
        footer = {"", "Examples:",
            "  stsfleet serve --all --lifetime 8h --port 9911",
            "  stsfleet serve prod --lifetime 4h --format env   # prints the variables a client needs"},
        description = {
            "Serves refreshed role credentials to AWS SDKs and the AWS CLI on 127.0.0.1 only, in the",
            "container-credentials format, one path per profile, guarded by a random token.",
            "Prints per profile AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "on stdout, then serves until the lifetime ends or SIGINT/SIGTERM."})
public final class ServeCommand implements Callable<Integer> {
    private final CommandContext cli;

    public ServeCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileSelection selection = new ProfileSelection();

    @Option(names = "--lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to serve fresh credentials: the session token's lifetime, 15m to 36h (default: 1h).")
    private Duration lifetime;

    @Option(names = "--port", paramLabel = "N", description = "The port on 127.0.0.1 (default: a free one).")
    private int port;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text (NAME=value lines), env (export lines) or json (one object). Default: ${DEFAULT-VALUE}.")
    private ServerVariables.Format format = ServerVariables.Format.text;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be 0 to 65535, not " + port);
        }
        Output output = Output.of(spec.commandLine(), cli);
        FreshFleet fresh = new FreshFleet(output, "serve");
        try (StsFleet fleet = fresh.build(cli, mfa, request.toOptions())) {
            List<String> names = FreshFleet.selection(fleet, selection);
            fleet.select(names);
            // Bound before the MFA prompt: a busy port fails here, with no code spent.
            ContainerCredentialsServer.PortReservation reserved = reserve(port);
            FleetResult result;
            try {
                result = fresh.start(fleet, names, lifetime == null ? StsFleet.DEFAULT_LIFETIME : lifetime);
            } catch (RuntimeException e) {
                reserved.close();
                throw e;
            }
            List<String> served = result.credentials().values().stream().map(RoleCredentials::profile).toList();
            if (served.isEmpty()) {
                reserved.close();
            } else {
                try (reserved; ContainerCredentialsServer server = ContainerCredentialsServer.builder()
                        .reservation(reserved)
                        .profiles(served)
                        .credentials(profile -> current(fleet, profile))
                        .build()) {
                    ServerVariables.print(server, output.stdout(), format);
                    output.flush();
                    output.info("serve: " + served.size() + " profile" + (served.size() == 1 ? "" : "s") + " on "
                            + server.address() + " until " + TemporaryCredentials.isoUtc(fresh.end(fleet)));
                    // status lists this process while it runs.
                    Runnable unregister = RunFiles.register(
                            dev.stsfleet.cli.Credentials.stateDirectory(cli.context(), null), "serve", names, fresh.end(fleet));
                    try {
                        fresh.await(fleet, batch -> { });
                    } finally {
                        unregister.run();
                    }
                }
            }
        }
        output.flush();
        if (fresh.lostSummary().isPresent()) {
            output.problem(fresh.lostSummary().get());
            return ExitCode.FAILED;
        }
        return ExitCode.OK;
    }

    private static ContainerCredentialsServer.PortReservation reserve(int port) {
        try {
            return ContainerCredentialsServer.reserve(port);
        } catch (java.io.UncheckedIOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The newest usable set: the fleet's provider forces a refresh inside the margin, refuses expired sets. */
    private static Optional<TemporaryCredentials> current(StsFleet fleet, String profile) {
        fleet.credentialsProvider(profile).resolveCredentials();
        return fleet.currentCredentials(profile).map(RoleCredentials::credentials)
                .filter(c -> !c.isExpiredAt(fleet.clock().instant()));
    }
}
