package dev.stsfleet.cli.command;

import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.format.EnvRenderer;
import dev.stsfleet.format.Shell;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "env", mixinStandardHelpOptions = true,
        header = "Shell statements that export a role's credentials.",
        description = {
            "Shell statements that put a role's credentials into the environment:",
            "  eval \"$(stsfleet env PROFILE)\"                      (bash, zsh)",
            "  stsfleet env PROFILE --shell fish | source",
            "  stsfleet env PROFILE --shell powershell | Invoke-Expression",
            "Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN and",
            "AWS_CREDENTIAL_EXPIRATION (with --legacy also AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_DELEGATION_TOKEN),",
            "AWS_REGION and AWS_DEFAULT_REGION (from --region, else the profile's or its source's region, when set),",
            "and unsets AWS_PROFILE and AWS_DEFAULT_PROFILE. A cached MFA session is reused. For a profile with",
            "long-term keys (an IAM user), prints its MFA session's credentials (cached; one code while it lasts)."},
        footer = {"", "Examples:",
            "  eval \"$(stsfleet env audit)\"",
            "  eval \"$(stsfleet env alice --mfa-code 123456)\"     (alice's MFA session)",
            "  stsfleet env audit --shell fish | source"})
public final class EnvCommand implements Callable<Integer> {
    private final CommandContext cli;

    public EnvCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", description = "The role profile, or a profile with long-term keys.")
    private String profile;

    @Option(names = "--shell", paramLabel = "SHELL", description = "bash, zsh, fish or powershell (default: bash).")
    private String shell = "bash";

    @Option(names = "--legacy", description = "Also set the EC2 API tools' names AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_DELEGATION_TOKEN.")
    private boolean legacy;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private RequestOptionsMixin request = new RequestOptionsMixin();

    @Mixin
    private CacheOptions cache = new CacheOptions();

    @Override
    public Integer call() {
        EnvRenderer renderer = new EnvRenderer(Shell.parse(shell), legacy); // a bad name: exit 2 before any call
        Output output = Output.of(spec.commandLine(), cli);
        ProfileCredentials credentials = ProfileCredentials.of(cli, profile, mfa, request.toOptions(), cache);
        StringWriter text = new StringWriter();
        renderer.render(credentials.credentials(), credentials.regionVariables(), text);
        output.stdout().print(text);
        output.flush();
        if (request.policyFile() == null) { // a memo does not see the policy file's content change
            credentials.remember(cli, spec.root().commandLine().getParseResult().originalArgs(), text.toString());
        }
        return ExitCode.OK;
    }
}
