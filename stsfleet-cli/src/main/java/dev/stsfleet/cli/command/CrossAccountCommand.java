package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.format.EnvRenderer;
import dev.stsfleet.format.Shell;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.AccountList;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.Format;
import dev.stsfleet.cli.option.FormatOption;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.cli.option.RoleSessionDuration;
import dev.stsfleet.provider.AccountRole;
import dev.stsfleet.provider.AccountRunner;
import dev.stsfleet.provider.CrossAccountSessionProvider;
import dev.stsfleet.provider.ProfileSessionProvider;
import dev.stsfleet.sts.StsGateway;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.org.AccountFiles;
import dev.stsfleet.org.OrganizationAccounts;
import dev.stsfleet.org.OrganizationSelection;
import dev.stsfleet.org.TargetAccount;
import dev.stsfleet.sts.RegionalGateways;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
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
import picocli.CommandLine.Spec;

@Command(name = "cross-account", mixinStandardHelpOptions = true,
        header = "One role name in many accounts, from a base profile.",
        footer = {"", "Examples:",
            "  stsfleet cross-account --base-profile alice --role Audit --accounts 111111111111,222222222222",
            "  stsfleet cross-account --base-profile mgmt --role Audit --organization --dry-run",
            "  stsfleet cross-account --base-profile mgmt --role Audit --ou ou-ab12-cdef3456 --format boto"},
        description = {
            "Credentials for one role name in many accounts, assumed from a base account's profile.",
            "The role ARN of each account is arn:aws:iam::ACCOUNT:role/NAME. Entries are keyed sts-ACCOUNT-ROLE.",
            "When the base profile has an mfa_serial (or --mfa-code is given), one GetSessionToken with MFA is made for it "
                    + "first (or its cached MFA session reused) and every role is assumed with that session.",
            "Progress and the summary go to stderr; stdout carries only the output format."})
public final class CrossAccountCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CrossAccountCommand.class);

    private final CommandContext cli;

    public CrossAccountCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-profile", required = true, paramLabel = "PROFILE",
            description = "The profile with the base account's credentials (keys, or keys with an aws_session_token).")
    private String baseProfile;

    @Option(names = "--role", required = true, paramLabel = "NAME", description = "The role name to assume in every account.")
    private String role;

    @Mixin
    private AccountList accounts = new AccountList();

    @Option(names = "--organization",
            description = "Every ACTIVE account of the base profile's AWS Organization (the base must be the "
                    + "management account or a delegated administrator); the management account only with "
                    + "--include-management.")
    private boolean organization;

    @Option(names = "--ou", paramLabel = "OU_ID",
            description = "The ACTIVE accounts of this organizational unit's whole subtree (repeatable; a root id "
                    + "r-... is the whole tree).")
    private List<String> ous = new ArrayList<>();

    @Option(names = "--account-tag", paramLabel = "KEY=VALUE",
            description = "With --organization or --ou: only the accounts with this tag (repeatable: all must match).")
    private List<String> accountTags = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "ACCOUNT_ID", split = ",",
            description = "Never this account (repeatable, or comma-separated).")
    private List<String> excluded = new ArrayList<>();

    @Option(names = "--include-management",
            description = "With --organization or --ou: target the management account too (off by default).")
    private boolean includeManagement;

    @Option(names = "--dry-run",
            description = "Print the resolved accounts (id, then name) on stdout and stop before any role is assumed.")
    private boolean dryRun;

    @Option(names = "--save-accounts", paramLabel = "FILE",
            description = "Save the resolved accounts for --accounts-file: CSV (.csv), YAML (.yaml/.yml), else JSON.")
    private Path saveAccounts;

    @Option(names = "--name-format", paramLabel = "TEMPLATE",
            description = "The key of each entry, from {account_id}, {account_name} (the id when no name is known) and "
                    + "{role}; characters not allowed in a profile name become '-' (default: sts-{account_id}-{role}).")
    private String nameFormat;

    @Option(names = "--sts-regions", paramLabel = "REGIONS",
            description = "Spread the AssumeRole calls over these regional STS endpoints (comma-separated, or auto: "
                    + "the Regions AWS enables by default), each with its own throttle control and --concurrency; "
                    + "an account that has not enabled a region is served by another. Opt-in: every call counts "
                    + "against the base account's STS quota in the Region it is sent to.")
    private String stsRegions;

    @Option(names = "--external-id", paramLabel = "ID", description = "The external id the roles' trust policies require.")
    private String externalId;

    @Mixin
    private RoleSessionDuration duration = new RoleSessionDuration();

    @Mixin
    private FormatOption format = FormatOption.withEnv();

    @Option(names = "--shell", paramLabel = "SHELL",
            description = "--format env prints the credentials of ONE account as shell statements (as env prints "
                    + "them) for this shell: bash, zsh, fish or powershell (default: bash).")
    private String shell = "bash";

    @Mixin
    private ConcurrencyOptions limits = new ConcurrencyOptions();

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Override
    public Integer call() {
        boolean fromOrganization = organization || !ous.isEmpty();
        int sources = accounts.given() + (fromOrganization ? 1 : 0);
        if (sources != 1) {
            throw new UsageException("give the accounts with exactly one of --accounts IDS, --accounts-file FILE, "
                    + "--organization or --ou OU_ID");
        }
        if (!fromOrganization && (!accountTags.isEmpty() || includeManagement)) {
            throw new UsageException((includeManagement ? "--include-management" : "--account-tag")
                    + " needs --organization or --ou");
        }
        if (organization && !ous.isEmpty()) {
            throw new UsageException("give --organization or --ou, not both (--ou r-... is the whole tree)");
        }
        int concurrency = limits.concurrency();
        // Every bad id, the role name and the options are checked before any file of profiles is read or call made.
        AccountRole.of(List.of("000000000000"), role);
        KeyTemplate keys = new KeyTemplate(nameFormat);
        List<String> regions = stsRegions == null ? List.of() : RegionalGateways.parse(stsRegions);
        if (regions.size() * concurrency > 1024) {
            throw new UsageException("--sts-regions with " + regions.size() + " regions x --concurrency " + concurrency
                    + " makes " + regions.size() * concurrency + " calls at once; at most 1024");
        }
        List<String> excludedIds = excludedIds();
        OrganizationSelection selection = fromOrganization ? new OrganizationSelection(organization, ous,
                OrganizationSelection.parseTags(accountTags), Set.copyOf(excludedIds), includeManagement) : null;
        List<TargetAccount> listed = fromOrganization ? null
                : AccountCommands.accountList(accounts.ids(), accounts.file());
        CrossAccountSessionProvider.Builder provider = CrossAccountSessionProvider.builder().roleName(role)
                .externalId(externalId).requestOptions(request.toOptions()).clock(cli.context().clock());
        if (duration.value() != null) {
            provider.duration(duration.value());
        }
        // env: a bad shell name, or several accounts named up front, is exit 2 before any call.
        EnvRenderer env = format.given() == Format.env ? new EnvRenderer(Shell.parse(shell), false) : null;
        if (env != null && listed != null) {
            requireOneAccount(withoutExcluded(listed).size());
        }
        Format chosen = env != null ? null : format.chosen(cli.context());
        Output output = Output.of(spec.commandLine(), cli);

        ProfileSessionProvider.Builder profiles = ProfileSessionProvider.builder()
                .environment(cli.context().environment());
        if (cli.global().configFile() != null) {
            profiles.configFile(cli.global().configFile());
        }
        if (cli.global().credentialsFile() != null) {
            profiles.credentialsFile(cli.global().credentialsFile());
        }
        try (ProfileSessionProvider base = profiles.build()) {
            AwsCredentialsProvider baseCredentials = base.profileCredentialsProvider(baseProfile);
            String baseDescription = "profile " + baseProfile;
            SessionToken session = mfaSession();
            if (session != null) {
                baseCredentials = StaticCredentialsProvider.create(session.credentials().toSdkCredentials());
                baseDescription = "the MFA session of profile " + baseProfile;
            }
            List<TargetAccount> resolved = listed != null ? withoutExcluded(listed)
                    : fromOrganization(selection, baseCredentials, baseDescription, output);
            if (saveAccounts != null) {
                save(resolved, output);
            }
            if (dryRun) {
                for (TargetAccount a : resolved) {
                    output.stdout().write(a.id() + (a.name() == null ? "" : "\t" + a.name()) + "\n");
                }
                output.info("stsfleet: cross-account: " + resolved.size() + " accounts (dry run: no role assumed)");
                output.flush();
                return ExitCode.OK;
            }
            if (resolved.isEmpty()) {
                throw new UsageException("no account is left to target");
            }
            if (env != null) {
                requireOneAccount(resolved.size()); // the Organizations list, before any role is assumed
            }
            output.info("stsfleet: cross-account: " + resolved.size() + " accounts, role " + role
                    + (regions.isEmpty() ? "" : ", STS calls spread over " + regions.size() + " regions"));
            return run(provider.base(baseCredentials).baseDescription(baseDescription), resolved, keys, regions,
                    chosen, env, output);
        }
    }

    private static void requireOneAccount(int accounts) {
        if (accounts != 1) {
            throw new UsageException("--format env prints the credentials of one account; " + accounts
                    + " are selected (use --format boto or json for several)");
        }
    }

    private List<String> excludedIds() {
        List<String> ids = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String id : excluded) {
            String t = id.trim();
            if (t.matches("\\d{12}")) {
                ids.add(t);
            } else {
                problems.add("--exclude: not a 12-digit AWS account id: '" + (t.length() > 40 ? t.substring(0, 40) : t) + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return ids;
    }

    private List<TargetAccount> withoutExcluded(List<TargetAccount> accounts) {
        Set<String> out = Set.copyOf(excludedIds());
        return accounts.stream().filter(a -> !out.contains(a.id())).toList();
    }

    /** The accounts of the selection, listed with the base credentials; the count on stderr. */
    private List<TargetAccount> fromOrganization(OrganizationSelection selection, AwsCredentialsProvider base,
                                                 String baseDescription, Output output) {
        OrganizationAccounts.Builder b = OrganizationAccounts.builder().credentials(base)
                .callerDescription(baseDescription).throttleControl(limits.throttleControl());
        try (StsFleet fleet = FleetFactory.builder(cli).build()) {
            b.region(fleet.region()).callLimits(fleet.callLimits());
        }
        b.endpoint(AccountCommands.serviceEndpoint(cli, "ORGANIZATIONS"));
        try (OrganizationAccounts org = b.build()) {
            OrganizationAccounts.Resolution r = org.resolve(selection);
            output.info("stsfleet: AWS Organizations: " + r.accounts().size() + " accounts targeted (" + r.listed()
                    + " listed, " + r.inactive() + " not ACTIVE, " + r.excluded() + " excluded"
                    + (selection.tags().isEmpty() ? "" : ", " + r.withoutTags() + " without the tags") + ")");
            return r.accounts();
        }
    }

    private void save(List<TargetAccount> resolved, Output output) {
        try {
            AccountFiles.write(saveAccounts, resolved);
        } catch (java.io.IOException e) {
            throw new UsageException("cannot save the accounts to " + saveAccounts + ": " + e.getClass().getSimpleName());
        }
        output.info("stsfleet: " + resolved.size() + " accounts saved to " + saveAccounts);
    }

    private int run(CrossAccountSessionProvider.Builder provider, List<TargetAccount> resolved, KeyTemplate keys,
                    List<String> regions, Format chosen, EnvRenderer env, Output output) {
        Map<String, String> names = new HashMap<>();
        resolved.forEach(a -> names.put(a.id(), a.name()));
        List<AccountRole> targets = AccountRole.of(resolved.stream().map(TargetAccount::id).toList(), role);
        int concurrency = limits.concurrency() * Math.max(1, regions.size());
        try (RegionalGateways spread = regions.isEmpty() ? null : AccountCommands.regionalGateways(cli, limits, regions);
             StsGateway gateway = regions.isEmpty() ? AccountCommands.gateway(cli, limits) : null;
             CrossAccountSessionProvider crossAccount = (spread != null ? provider.roleAssumer(spread)
                     : provider.gateway(gateway)).build()) {
            AccountRunner runner = AccountRunner.builder().concurrency(concurrency)
                    .format(chosen == null ? OutputFormat.VAULT : chosen.outputFormat()).build();
            FleetResult result = runner.run(crossAccount, targets,
                    t -> keys.key(t.accountId(), names.get(t.accountId()), t.roleName()),
                    (r, done, total) -> output.progress(AccountCommands.progressLine("cross-account", r, done, total)));
            if (env != null && result.allSucceeded()) {
                env.render(result.credentials().values().iterator().next().credentials(), output.stdout());
            }
            return AccountCommands.report(result, chosen, cli, output, "account",
                    spread == null ? Map.of() : spread.callsByRegion());
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
        String device = Credentials.catalog(cli).property(baseProfile, "mfa_serial")
                .filter(s -> !s.isBlank()).orElse(null);
        if (device == null && !mfa.given()) {
            return null;
        }
        try (StsFleet fleet = FleetFactory.builder(cli).sourceProfile(baseProfile).build()) {
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
                    : fleet.sessionToken(null, device, mfa.code(cli.context(), device, baseProfile));
            LOG.debug("profile {}: every role is assumed with its MFA session (until {})", baseProfile,
                    TemporaryCredentials.isoUtc(session.end()));
            return session;
        }
    }
}
