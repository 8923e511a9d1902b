package dev.stsfleet.cli.command;

import dev.stsfleet.SessionToken;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.format.BotoJsonRenderer;
import dev.stsfleet.format.EnvRenderer;
import dev.stsfleet.format.Shell;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "session-token", mixinStandardHelpOptions = true,
        header = "An MFA session for an IAM user, cached for every command.",
        description = {
            "GetSessionToken for the source profile's IAM user (--profile, else AWS_PROFILE, else default), with MFA",
            "when the profile (or a role sourced from it) has an mfa_serial. The MFA session is cached: every later",
            "command (generate, env, exec, write, login, credential-process, keep-fresh, serve, cross-account) uses",
            "it for that user's roles while it lasts, and a running keep-fresh or serve adopts it.",
            "Prints the token as STS names its fields (AccessKeyId, SecretAccessKey, SessionToken, StartTime, Expiration),",
            "or with --format env as shell statements (as env prints them)."},
        footer = {"", "Examples:",
            "  stsfleet session-token --profile alice --lifetime 12h",
            "  eval \"$(stsfleet session-token --profile alice --format env)\""})
public final class SessionTokenCommand implements Callable<Integer> {
    private final CommandContext cli;

    public SessionTokenCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Option(names = "--lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the session lasts: 15m to 36h (default: 1h).")
    private Duration lifetime;

    /** Output formats of {@code session-token}. */
    enum Format { boto, env }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "boto (the STS fields as JSON, the default) or env (shell statements, see --shell).")
    private Format format = Format.boto;

    @Option(names = "--shell", paramLabel = "SHELL",
            description = "With --format env: bash, zsh, fish or powershell (default: bash).")
    private String shell = "bash";

    @Option(names = "--no-mfa", description = "Make the session without MFA even if the profile has an mfa_serial.")
    private boolean noMfa;

    @Override
    public Integer call() {
        EnvRenderer env = new EnvRenderer(Shell.parse(shell), false); // a bad name: exit 2 before any call
        Output output = Output.of(spec.commandLine(), cli);
        try (StsFleet fleet = FleetFactory.builder(cli).build()) {
            fleet.checkSessionRequest(lifetime, null);
            SessionToken token;
            String device = noMfa ? null : fleet.sourceMfaSerial().orElse(null);
            if (device == null) {
                if (mfa.given()) {
                    throw new dev.stsfleet.cli.UsageException("--mfa-code was given but profile "
                            + fleet.sourceProfile() + " has no mfa_serial" + (noMfa ? " (and --no-mfa was set)" : ""));
                }
                token = fleet.sessionToken(lifetime, null, null);
            } else {
                // The fleet stores the MFA session in the cache every command reads.
                token = fleet.sessionToken(lifetime, device, mfa.code(cli.context(), device, fleet.sourceProfile(), false));
            }
            if (format == Format.env) {
                env.render(token.credentials(), output.stdout());
            } else {
                BotoJsonRenderer.render(token, output.stdout());
            }
            output.info("stsfleet: session token for profile " + token.sourceProfile()
                    + (token.withMfa() ? " with MFA" : " without MFA") + ", valid until "
                    + dev.stsfleet.TemporaryCredentials.isoUtc(token.end()));
        }
        output.flush();
        return ExitCode.OK;
    }
}
