package dev.stsfleet.cli.command;

import dev.stsfleet.ProfileResult;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.federation.ConsoleFederation;
import dev.stsfleet.profile.CredentialPlan;
import dev.stsfleet.profile.CredentialPlanner;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.sts.EndpointUrl;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "login", mixinStandardHelpOptions = true,
        header = "An AWS console sign-in URL for a role.",
        footer = {"", "Examples:",
            "  stsfleet login prod",
            "  stsfleet login prod --open --destination https://console.aws.amazon.com/ec2/"},
        description = {
            "An AWS console sign-in URL from a role's credentials, through the federation endpoint",
            "(getSigninToken, then the Action=login URL). The sign-in host follows the region: us-east-1 uses",
            "signin.aws.amazon.com, others <region>.signin.aws.amazon.com. The URL is printed to stdout only",
            "(several profiles: one line each, 'PROFILE URL'); it signs anyone in for 15 minutes, so treat it as",
            "a secret. Roles assumed with an MFA session or another role (role chaining) allow a console session",
            "of at most one hour."})
public final class LoginCommand implements Callable<Integer> {
    private final CommandContext cli;

    public LoginCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", arity = "1..*", description = "Role profiles to sign in as.")
    private List<String> profiles = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The console session: 15m to 12h, at most 1h for role-chained credentials (default: AWS's).")
    private Duration duration;

    @Option(names = "--destination", paramLabel = "URL",
            description = "The console page to open (default: " + ConsoleFederation.DEFAULT_DESTINATION + ").")
    private String destination;

    @Option(names = "--issuer", paramLabel = "NAME",
            description = "The Issuer the console links to on sign-out (default: " + ConsoleFederation.DEFAULT_ISSUER + ").")
    private String issuer;

    @Option(names = "--signin-endpoint", paramLabel = "URL",
            description = "The federation endpoint (default: https://[<region>.]signin.aws.amazon.com/federation).")
    private String signinEndpoint;

    @Option(names = "--open", description = "Open the URL in the desktop browser where there is one, else print it.")
    private boolean open;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Mixin
    private CacheOptions cache = new CacheOptions();

    @Override
    public Integer call() {
        Output output = Output.of(spec.commandLine(), cli);
        URI endpoint = signinEndpoint == null ? null : endpoint(signinEndpoint);
        if (destination != null && !destination.matches("https?://\\S+")) {
            throw new UsageException("--destination '" + destination + "' is not an http(s) URL");
        }
        ProfileCatalog catalog = Credentials.catalog(cli);
        for (String profile : profiles) {
            if (!catalog.isRoleProfile(profile) && !catalog.isSamlProfile(profile) && !catalog.isSsoProfile(profile)
                    && catalog.keys(profile).isPresent()) {
                throw new UsageException(catalog.longTermKeyProfiles().contains(profile)
                        ? "profile " + profile + " holds an IAM user's keys: the console federation signs in with a "
                                + "role's credentials (or an Identity Center role's), not a user's session; name a role "
                                + "profile"
                        : ProfileCatalog.temporaryKeysProblem(profile));
            }
        }
        if (profiles.size() == 1) {
            String profile = profiles.get(0);
            if (catalog.isSsoProfile(profile) || catalog.isRoleProfile(profile)) {
                return signInOne(catalog, profile, endpoint, output);
            }
        }
        // Refused before any call: AWS would refuse the sign-in after the roles were assumed.
        Credentials.Fetched fetched = Credentials.fetch(cli, profiles, mfa, plan -> plan.roles().forEach(role ->
                ConsoleFederation.checkDuration(duration, role.chained())));
        List<CredentialPlan.Role> roles = fetched.plan().roles();
        String region = cli.global().region() != null ? cli.global().region() : fetched.region();
        int failed = 0;
        try (ConsoleFederation federation = ConsoleFederation.builder().endpoint(endpoint).region(region).build()) {
            for (CredentialPlan.Role role : roles) {
                ProfileResult r = fetched.result().results().get(dev.stsfleet.FleetResult.keyOf(role.profile()));
                if (r instanceof ProfileResult.Failed f) {
                    output.problem("stsfleet: profile " + f.profile() + " failed: " + f.code() + ": " + f.message());
                    failed++;
                    continue;
                }
                ProfileResult.Succeeded ok = (ProfileResult.Succeeded) r;
                ConsoleFederation.SigninUrl url;
                try {
                    url = federation.signIn(ok.credentials().credentials(), duration, role.chained(),
                            issuer, destination);
                } catch (StsCallException e) {
                    if (roles.size() == 1) {
                        throw e;
                    }
                    output.problem("stsfleet: profile " + role.profile() + " failed: " + e.getMessage());
                    failed++;
                    continue;
                }
                if (open && roles.size() == 1 && openInBrowser(url.uri(), output)) {
                    output.info("stsfleet: opened the console for profile " + role.profile() + " in the browser");
                } else {
                    output.stdout().println(roles.size() == 1 ? url.uri().toString() : role.profile() + " " + url.uri());
                }
            }
        }
        output.flush();
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    /**
     * One role or Identity Center profile: its credentials from the role-credential cache every single-role
     * command shares (an AssumeRole or a portal call only on a miss), then the sign-in. Whether the role is
     * chained (which caps the console session) is the plan's answer, found before any call.
     */
    private int signInOne(ProfileCatalog catalog, String profile, URI endpoint, Output output) {
        boolean chained = false;
        if (!catalog.isSsoProfile(profile)) {
            RoleProfile role = catalog.select(List.of(profile)).get(0); // a broken chain: exit 2, no call
            chained = CredentialPlanner.planSelected(catalog, List.of(role), CredentialPlanner.Sessions.NONE,
                    new CredentialPlanner.Codes(java.util.Map.of(), null, true, null)).roles().get(0).chained();
        }
        ConsoleFederation.checkDuration(duration, chained);
        // The sign-in host: --region, else the profile's (or its chain's) region, else the environment's.
        String region = ProfileCredentials.region(cli, catalog, profile);
        for (String variable : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
            String value = cli.context().env(variable);
            if (region == null && value != null && !value.isBlank()) {
                region = value.trim();
            }
        }
        // Built (and its region checked) before any call.
        try (ConsoleFederation federation = ConsoleFederation.builder().endpoint(endpoint).region(region).build()) {
            ProfileCredentials credentials = ProfileCredentials.of(cli, catalog, profile, mfa, RequestOptions.NONE,
                    cache);
            ConsoleFederation.SigninUrl url = federation.signIn(credentials.credentials(), duration, chained, issuer,
                    destination);
            if (open && openInBrowser(url.uri(), output)) {
                output.info("stsfleet: opened the console for profile " + profile + " in the browser");
            } else {
                output.stdout().println(url.uri().toString());
            }
        }
        output.flush();
        return ExitCode.OK;
    }

    private static URI endpoint(String value) {
        return EndpointUrl.parse("--signin-endpoint", value);
    }

    /** The desktop browser (java.awt.Desktop), else xdg-open on the PATH; false when neither exists. */
    private boolean openInBrowser(URI url, Output output) {
        try {
            if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
                    && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
                java.awt.Desktop.getDesktop().browse(url);
                return true;
            }
        } catch (Exception | LinkageError e) {
            // No usable desktop (headless JDK, no display): try xdg-open. Never the URL in a message.
        }
        Path xdgOpen = onPath("xdg-open");
        if (xdgOpen == null) {
            output.info("stsfleet: no desktop browser found; printing the URL");
            return false;
        }
        try {
            Process p = new ProcessBuilder(xdgOpen.toString(), url.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsFleetException("interrupted while opening the browser");
        }
    }

    private Path onPath(String program) {
        return Browser.onPath(cli.context().env("PATH"), program);
    }
}
