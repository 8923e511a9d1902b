package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.Progress;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.Format;
import dev.stsfleet.cli.option.FormatOption;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.ProfileSelection;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.format.BotoJsonRenderer;
import dev.stsfleet.format.FleetJsonRenderer;
import dev.stsfleet.format.TableRenderer;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.profile.CredentialPlan;
import dev.stsfleet.profile.SamlProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        header = "Credentials for many role profiles at once, one MFA code.",
        footer = {"", "Examples:",
            "  stsfleet generate --all --mfa-code 123456",
            "  stsfleet generate ops-dev ops-prod --format boto > creds.json",
            "  stsfleet generate --all --dry-run"},
        description = {
            "Credentials for many role profiles at once, with one MFA code.",
            "SAML-backed profiles (x_stsfleet_saml_url, see docs/PROFILES.md) are assumed with AssumeRoleWithSAML",
            "after ONE IdP login per distinct URL and user, at the same time as the others.",
            "Each role resolves its own source_profile chain; for each source whose roles need MFA, ONE MFA session",
            "(cached, or one GetSessionToken with one code per device) serves every role under it (AWS then limits",
            "each role session to one hour). --dry-run prints that plan. Progress and the summary go to stderr;",
            "stdout carries only the output format."})
public final class GenerateCommand implements Callable<Integer> {
    private final CommandContext cli;

    public GenerateCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileSelection selection = new ProfileSelection();

    @Option(names = "--file", paramLabel = "FILE",
            description = "Every role profile defined in FILE (any AWS config or credentials format file).")
    private Path file;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Option(names = "--lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Lifetime of the MFA session token: 15m to 36h (default: 1h).")
    private Duration lifetime;

    @Mixin
    private FormatOption format = new FormatOption();

    @Option(names = "--password-stdin",
            description = "Read the IdP password of the SAML-backed profiles (x_stsfleet_saml_url) from the first line "
                    + "of stdin; only when one IdP login (URL and user) serves them all. Without it, each login's "
                    + "password is prompted for with no echo.")
    private boolean passwordStdin;

    @Mixin
    private ConcurrencyOptions limits = new ConcurrencyOptions();

    @Option(names = "--dry-run",
            description = "Print the plan (each source, MFA device and session, the role profiles under each, how many "
                    + "calls) and make no call.")
    private boolean dryRun;

    @Override
    public Integer call() {
        int selectors = (selection.named().isEmpty() ? 0 : 1) + (selection.all() ? 1 : 0) + (file == null ? 0 : 1);
        if (selectors == 0) {
            throw new UsageException("name the role profiles, or use --all or --file FILE");
        }
        if (selectors > 1) {
            throw new UsageException("PROFILE..., --all and --file FILE cannot be combined");
        }
        int concurrency = limits.concurrency();
        Format chosen = format.chosen(cli.context());
        Output output = Output.of(spec.commandLine(), cli);

        StsFleet.Builder builder = FleetFactory.builder(cli, mfa, request.toOptions()).concurrency(concurrency)
                .throttleControl(limits.throttleControl())
                .sessionLifetime(lifetime)
                .format(chosen.outputFormat());
        if (file != null) {
            builder.profilesFile(file);
        }
        try (StsFleet fleet = builder.build()) {
            List<String> names = selection.named();
            if (selection.all() || file != null) {
                names = new ArrayList<>(file != null ? fleet.profilesFileRoles() : fleet.roleProfiles().keySet());
                names.addAll(file != null ? fleet.profilesFileSamlProfiles() : fleet.samlProfiles().keySet());
                if (names.isEmpty()) {
                    throw new UsageException("no role profiles (with role_arn or x_stsfleet_saml_url) in "
                            + (file != null ? file : "the config and credentials files"));
                }
            }
            // Every problem at once (role and SAML-backed profiles, MFA codes, devices without a code), before any call.
            CredentialPlan plan = fleet.plan(names);
            List<SamlProfile> samlProfiles = fleet.selection(names).saml();
            if (dryRun) {
                plan.describe().forEach(output.stdout()::println);
                if (!samlProfiles.isEmpty()) {
                    output.stdout().println("SAML-backed: " + samlProfiles.size() + " profile"
                            + (samlProfiles.size() == 1 ? "" : "s") + " through "
                            + samlProfiles.stream().map(SamlProfile::idp).distinct().count()
                            + " IdP login(s), one AssumeRoleWithSAML each");
                }
                output.flush();
                return ExitCode.OK;
            }
            boolean mfaNeeded = plan.sources().stream().anyMatch(CredentialPlan.Source::withMfa);
            if (mfa.given() && !mfaNeeded) {
                output.warn("--mfa-code ignored: none of the selected roles has an mfa_serial");
            }
            if (lifetime != null && !mfaNeeded) {
                output.warn("--lifetime ignored: no selected role needs MFA, so no session token is made");
            }
            if (passwordStdin && samlProfiles.isEmpty()) {
                output.warn("--password-stdin ignored: none of the selected profiles is SAML-backed");
            }
            FleetResult result;
            // The IdP passwords first: a missing terminal is exit 2 with no call made.
            try (SamlLogins logins = samlProfiles.isEmpty() ? null
                    : SamlLogins.open(samlProfiles, passwordStdin, cli.context(), output, fleet)) {
                ProgressListener progress = Progress.of(output, "generate");
                result = fleet.generateCredentials(names, progress, logins == null ? null : logins::assume);
            }
            for (CredentialPlan.Source s : plan.sources()) {
                if (s.withMfa()) {
                    fleet.usableSession(s.profile(), s.mfaSerial(), null).ifPresent(t -> output.info("stsfleet: "
                            + s.roles().size() + " role" + (s.roles().size() == 1 ? "" : "s") + " assumed with the MFA "
                            + "session of profile " + s.profile() + (s.newSession() ? " (new" : " (cached")
                            + ", until " + TemporaryCredentials.isoUtc(t.end()) + ")"));
                }
            }

            switch (chosen) {
                case boto -> BotoJsonRenderer.render(result, output.stdout());
                case json -> FleetJsonRenderer.render(result, output.stdout());
                case table -> new TableRenderer(cli.context().clock()).render(result, output.stdout());
            }
            for (ProfileResult.Failed f : result.failures().values()) {
                output.problem("stsfleet: profile " + f.profile() + " failed: " + f.code() + ": " + f.message());
            }
            output.info(String.format(Locale.ROOT, "stsfleet: %d of %d profiles succeeded, %d failed, in %.1f s",
                    result.succeeded(), result.requested(), result.failed(), result.elapsed().toMillis() / 1000.0));
            output.flush();
            return result.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
