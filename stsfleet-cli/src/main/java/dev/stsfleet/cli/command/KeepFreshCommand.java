package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.ProfileSelection;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.format.CredentialsSection;
import dev.stsfleet.store.CredentialsFileEditor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "keep-fresh", mixinStandardHelpOptions = true,
        header = "Keeps credentials-file sections fresh for hours.",
        footer = {"", "Examples:",
            "  stsfleet keep-fresh --all --lifetime 8h --mfa-code 123456",
            "  stsfleet keep-fresh ops-dev ops-prod --lifetime 2h --as-prefix k-"},
        description = {
            "Keeps credentials-file sections fresh for a whole session lifetime, with one MFA code.",
            "Writes a [<prefix><profile>] section per role (aws_access_key_id, aws_secret_access_key,",
            "aws_session_token, x_stsfleet_expiration) at the start and after every refresh: atomically, mode",
            "0600, under a lock, keeping every other section and comment. Role sessions last at most one hour;",
            "each is renewed well before it expires until the lifetime ends. Exits 0 then, 1 if roles were",
            "lost (named on stderr); SIGINT/SIGTERM stop it cleanly."})
public final class KeepFreshCommand implements Callable<Integer> {
    private final CommandContext cli;

    public KeepFreshCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileSelection selection = new ProfileSelection();

    @Option(names = "--lifetime", paramLabel = "DURATION", required = true, converter = DurationConverter.class,
            description = "How long to keep the credentials fresh: the session token's lifetime, 15m to 36h.")
    private Duration lifetime;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Option(names = "--as-prefix", paramLabel = "PREFIX",
            description = "Section name prefix (default: ${DEFAULT-VALUE}).")
    private String prefix = "sts-";

    @Override
    public Integer call() throws InterruptedException {
        Output output = Output.of(spec.commandLine(), cli);
        FreshFleet fresh = new FreshFleet(output, "keep-fresh");
        try (StsFleet fleet = fresh.build(cli, mfa, request.toOptions())) {
            List<String> names = FreshFleet.selection(fleet, selection);
            for (String name : names) {
                CredentialsSection.requireValidName(prefix + name); // every bad name before any call
            }
            CredentialsFileEditor editor = CredentialsFileEditor.builder().file(credentialsFile(cli)).build();
            editor.checkWritable(); // as write does: before any STS call or MFA prompt
            FleetResult result = fresh.start(fleet, names, lifetime == null ? StsFleet.DEFAULT_LIFETIME : lifetime);
            Collection<RoleCredentials> first = result.credentials().values();
            if (!first.isEmpty()) {
                try (RetryingSectionWriter writer = new RetryingSectionWriter(editor, prefix, output, "keep-fresh")) {
                    // status lists this process while it runs: from before its first sections are seen.
                    Runnable unregister = RunFiles.register(
                            dev.stsfleet.cli.Credentials.stateDirectory(cli.context(), null), "keep-fresh", names,
                            fresh.end(fleet));
                    try {
                        writer.write(first);
                        output.info("keep-fresh: " + (writer.hasPending() ? "keeping in memory " : "wrote ")
                                + first.size() + " section" + (first.size() == 1 ? "" : "s") + " to " + editor.file()
                                + "; refreshing until " + TemporaryCredentials.isoUtc(fresh.end(fleet)));
                        fresh.await(fleet, writer::write);
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
        output.info("keep-fresh: done, no role lost");
        return ExitCode.OK;
    }

    /** The file the AWS tools read, as every command finds it. */
    static Path credentialsFile(CommandContext cli) {
        return Credentials.credentialsFile(cli);
    }
}
