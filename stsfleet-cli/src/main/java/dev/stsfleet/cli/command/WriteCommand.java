package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.ProfileSelection;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.format.CredentialsSection;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.store.CredentialsFileEditor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "write", mixinStandardHelpOptions = true,
        header = "Writes role credentials into the AWS credentials file.",
        footer = {"", "Examples:",
            "  stsfleet write prod                 # [sts-prod] in ~/.aws/credentials",
            "  stsfleet write prod --as prod-temp",
            "  stsfleet write --all --mfa-code 123456"},
        description = {
            "Writes role credentials into the AWS credentials file, one section per role (default name",
            "sts-<profile>) with aws_access_key_id, aws_secret_access_key, aws_session_token and",
            "x_stsfleet_expiration. The write is atomic, mode 0600, under a lock shared with other writers",
            "(write, keep-fresh); every other section, key and comment keeps its bytes. A malformed file is",
            "never overwritten. The file: --credentials-file, else $AWS_SHARED_CREDENTIALS_FILE, else",
            "~/.aws/credentials.",
            "",
            "One PROFILE may also be an IAM Identity Center profile (its role credentials from the portal) or",
            "an IAM user's (its MFA session), as env hands them out."})
public final class WriteCommand implements Callable<Integer> {
    private final CommandContext cli;

    public WriteCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileSelection selection = new ProfileSelection();

    @Option(names = "--as", paramLabel = "NAME", description = "The section name (one profile only; default: sts-<profile>).")
    private String as;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Mixin
    private CacheOptions cache = new CacheOptions();

    @Override
    public Integer call() {
        selection.requireOne();
        if (as != null && (selection.all() || selection.named().size() != 1)) {
            throw new UsageException("--as NAME needs exactly one PROFILE");
        }
        Output output = Output.of(spec.commandLine(), cli);
        Path file = Credentials.credentialsFile(cli);
        ProfileCatalog catalog = Credentials.catalog(cli); // a malformed file: exit 2 naming the line
        List<String> names = selection.all() ? new ArrayList<>(catalog.roleProfiles().keySet()) : selection.named();
        if (names.isEmpty()) {
            throw new UsageException("no role profiles (with role_arn) in the config and credentials files");
        }
        boolean one = names.size() == 1 && !selection.all();
        if (!one) {
            catalog.select(names); // every problem of the selection at once, before any call
        }
        Map<String, String> sectionOf = new LinkedHashMap<>();
        for (String name : names) {
            String section = CredentialsSection.requireValidName(as != null ? as : FleetResult.keyOf(name));
            if (catalog.keys(section).isPresent() && catalog.property(section, "x_stsfleet_expiration").isEmpty()) {
                throw new InvalidInputException("refusing to write section " + section + " of " + file
                        + ": it holds keys stsfleet did not write (choose another name with --as)");
            }
            sectionOf.put(name, section);
        }
        RequestOptions options = request.toOptions();
        CredentialsFileEditor editor = CredentialsFileEditor.builder().file(file).build();
        editor.checkWritable(); // before any STS call or MFA prompt

        if (one) {
            // One profile, as env gives it: a role's or an Identity Center role's credentials from the
            // role-credential cache every single-role command shares while enough is left; an IAM user's session.
            ProfileCredentials credentials = ProfileCredentials.of(cli, catalog, names.get(0), mfa, options, cache);
            CredentialsSection section = CredentialsSection.of(sectionOf.get(names.get(0)), credentials.credentials());
            editor.upsert(List.of(section));
            output.info("stsfleet: wrote 1 section to " + file + " ([" + section.name() + "])");
            output.flush();
            return ExitCode.OK;
        }
        Credentials.Fetched fetched = Credentials.fetch(cli, names, mfa, options);
        List<CredentialsSection> sections = new ArrayList<>();
        for (ProfileResult r : fetched.result().results().values()) {
            if (r instanceof ProfileResult.Succeeded ok) {
                RoleCredentials c = ok.credentials();
                sections.add(CredentialsSection.of(sectionOf.get(c.profile()), c.credentials()));
            } else if (r instanceof ProfileResult.Failed f) {
                output.problem("stsfleet: profile " + f.profile() + " failed: " + f.code() + ": " + f.message());
            }
        }
        editor.upsert(sections);
        output.info(String.format(Locale.ROOT, "stsfleet: wrote %d section%s to %s%s", sections.size(),
                sections.size() == 1 ? "" : "s", file,
                sections.size() == 1 ? " ([" + sections.get(0).name() + "])" : ""));
        if (fetched.result().failed() > 0) {
            output.info(String.format(Locale.ROOT, "stsfleet: %d of %d profiles failed", fetched.result().failed(),
                    fetched.result().requested()));
        }
        output.flush();
        return fetched.result().allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
    }
}
