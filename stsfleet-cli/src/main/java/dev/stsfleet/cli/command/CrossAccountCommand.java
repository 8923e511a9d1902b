package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.RootCommand;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.provider.AccountRole;
import dev.stsfleet.provider.AccountRunner;
import dev.stsfleet.provider.CrossAccountSessionProvider;
import dev.stsfleet.provider.ProfileSessionProvider;
import dev.stsfleet.sts.StsGateway;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "cross-account", mixinStandardHelpOptions = true,
        description = {
            "Credentials for one role name in many accounts, assumed from a base account's profile.",
            "The role ARN of each account is arn:aws:iam::ACCOUNT:role/NAME. Entries are keyed sts-ACCOUNT-ROLE.",
            "When the base profile has an mfa_serial (or --mfa-code is given), one GetSessionToken with MFA is made for it "
                    + "first (or its cached MFA session reused) and every role is assumed with that session.",
            "Progress and the summary go to stderr; stdout carries only the output format."})
public final class CrossAccountCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CrossAccountCommand.class);

    @ParentCommand
    private RootCommand root;

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-profile", required = true, paramLabel = "PROFILE",
            description = "The profile with the base account's credentials (keys, or keys with an aws_session_token).")
    private String baseProfile;

    @Option(names = "--role", required = true, paramLabel = "NAME", description = "The role name to assume in every account.")
    private String role;

    @Option(names = "--accounts", split = ",", paramLabel = "IDS", description = "Account ids, comma-separated.")
    private List<String> accounts = new ArrayList<>();

    @Option(names = "--accounts-file", paramLabel = "FILE",
            description = "One 12-digit account id per line (blank lines and # comments allowed), or a JSON array of strings.")
    private Path accountsFile;

    @Option(names = "--external-id", paramLabel = "ID", description = "The external id the roles' trust policies require.")
    private String externalId;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Role session length, 15m to 12h (default: 1h; at most 1h when the base credentials are temporary).")
    private Duration duration;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "boto (the STS fields keyed sts-ACCOUNT-ROLE), json (credentials, failures, summary) or table "
                    + "(no secrets). Default: table on a terminal, else json.")
    private GenerateCommand.Format format;

    @Mixin
    private ConcurrencyOptions limits = new ConcurrencyOptions();

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Override
    public Integer call() {
        if (accounts.isEmpty() == (accountsFile == null)) {
            throw new UsageException("give the accounts with either --accounts IDS or --accounts-file FILE");
        }
        limits.concurrency();
        // Every bad id, the role name and the options are checked before any file of profiles is read or call made.
        List<AccountRole> targets = AccountRole.of(AccountCommands.accounts(accounts, accountsFile), role);
        CrossAccountSessionProvider.Builder provider = CrossAccountSessionProvider.builder().roleName(role)
                .externalId(externalId).clock(root.context().clock());
        if (duration != null) {
            provider.duration(duration);
        }
        GenerateCommand.Format chosen = AccountCommands.format(format, root);
        Output output = Output.of(spec.commandLine(), root);

        ProfileSessionProvider.Builder profiles = ProfileSessionProvider.builder()
                .environment(root.context().environment());
        if (root.global().configFile() != null) {
            profiles.configFile(root.global().configFile());
        }
        if (root.global().credentialsFile() != null) {
            profiles.credentialsFile(root.global().credentialsFile());
        }
        try (ProfileSessionProvider base = profiles.build()) {
            AwsCredentialsProvider baseCredentials = base.profileCredentialsProvider(baseProfile);
            String baseDescription = "profile " + baseProfile;
            SessionToken session = mfaSession();
            if (session != null) {
                baseCredentials = StaticCredentialsProvider.create(session.credentials().toSdkCredentials());
                baseDescription = "the MFA session of profile " + baseProfile;
            }
            return run(provider.base(baseCredentials).baseDescription(baseDescription), targets, chosen, output);
        }
    }

    private int run(CrossAccountSessionProvider.Builder provider, List<AccountRole> targets,
                    GenerateCommand.Format chosen, Output output) {
        try (StsGateway gateway = AccountCommands.gateway(root, limits);
             CrossAccountSessionProvider crossAccount = provider.gateway(gateway).build()) {
            AccountRunner runner = AccountRunner.builder().concurrency(limits.concurrency())
                    .format(chosen == GenerateCommand.Format.boto ? OutputFormat.BOTO : OutputFormat.VAULT).build();
            FleetResult result = runner.run(crossAccount, targets,
                    (r, done, total) -> output.progress(AccountCommands.progressLine("cross-account", r, done, total)));
            return AccountCommands.report(result, chosen, root, output, "account");
        }
    }

    /**
     * The base profile's MFA session when it has an {@code mfa_serial} (or {@code --mfa-code} was given):
     * the cached one while it lasts (made by {@code session-token}, {@code credential-process}, an earlier
     * run), else ONE GetSessionToken with a code from {@code --mfa-code} or a prompt, cached for later
     * commands. {@code null} when the base needs no MFA. Made through {@link StsFleet}'s public API with
     * the base profile as its source, as {@link Credentials#fetch} does.
     */
    private SessionToken mfaSession() {
        String device = Credentials.catalog(root).property(baseProfile, "mfa_serial")
                .filter(s -> !s.isBlank()).orElse(null);
        if (device == null && !mfa.given()) {
            return null;
        }
        try (StsFleet fleet = FleetFactory.builder(root).sourceProfile(baseProfile).build()) {
            if (device == null) {
                // --mfa-code without an mfa_serial on the base: the device a role sourced from it names, as
                // session-token finds it.
                device = fleet.sourceMfaSerial().orElseThrow(() -> new UsageException("--mfa-code was given but "
                        + "profile " + baseProfile + " has no mfa_serial"));
            }
            fleet.checkSessionRequest(null, null);
            // The session cache every command shares: a cached MFA session of the base serves; a new one is cached.
            Optional<SessionToken> cached = mfa.given() ? Optional.empty() : fleet.usableSession(baseProfile, device, null);
            SessionToken session = cached.isPresent() ? cached.get()
                    : fleet.sessionToken(null, device, mfa.code(root.context(), device, baseProfile));
            LOG.debug("profile {}: every role is assumed with its MFA session (until {})", baseProfile,
                    TemporaryCredentials.isoUtc(session.end()));
            return session;
        }
    }
}
