package dev.stsfleet.cli.command;

import dev.stsfleet.RequestOptions;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.format.CredentialProcessRenderer;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "credential-process", mixinStandardHelpOptions = true,
        header = "A role's credentials for the AWS CLI's credential_process.",
        footer = {"", "Examples:",
            "  stsfleet credential-process prod",
            "  aws sts get-caller-identity --profile prod-cli   # with the [profile prod-cli] above"},
        description = {
            "Prints a role's credentials as the credential_process JSON the AWS CLI and SDKs read:",
            "  [profile prod-cli]",
            "  credential_process = /path/to/bin/stsfleet credential-process prod",
            "Answers from an on-disk cache while more than 15 minutes remain (no STS call); twenty calls at once",
            "make one AssumeRole. A role with mfa_serial reuses the MFA session of 'stsfleet session-token' or",
            "'generate' until it ends; otherwise it prompts on a terminal, or fails saying what to run.",
            "Also, as env gives them: for a profile with long-term keys (an IAM user), its MFA session (cached);",
            "for an IAM Identity Center profile (sso_account_id, sso_role_name), its role credentials from the",
            "portal (after 'stsfleet sso login'). Errors go to stderr only."})
public final class CredentialProcessCommand implements Callable<Integer> {
    private final CommandContext cli;

    public CredentialProcessCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PROFILE",
            description = "The role profile, a profile with long-term keys, or an IAM Identity Center profile.")
    private String profile;

    @Mixin
    private CacheOptions cache = new CacheOptions();

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Override
    public Integer call() {
        Output output = Output.of(spec.commandLine(), cli);
        // Only the profile files are read first: a role-cache hit builds no STS client.
        ProfileCredentials credentials = ProfileCredentials.of(cli, profile, mfa, RequestOptions.NONE, cache);
        String printed = print(output, credentials.credentials());
        // The next identical call (of a role) is then answered before the command line is even built.
        credentials.remember(cli, spec.root().commandLine().getParseResult().originalArgs(), printed);
        return ExitCode.OK;
    }

    private static String print(Output output, TemporaryCredentials credentials) {
        StringWriter text = new StringWriter();
        CredentialProcessRenderer.render(credentials, text);
        output.stdout().print(text);
        output.flush();
        return text.toString();
    }
}
