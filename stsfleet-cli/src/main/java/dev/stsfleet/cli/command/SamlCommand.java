package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.AccountList;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.cli.option.Format;
import dev.stsfleet.cli.option.FormatOption;
import dev.stsfleet.cli.option.RoleSessionDuration;
import dev.stsfleet.provider.AccountRole;
import dev.stsfleet.provider.AccountRunner;
import dev.stsfleet.provider.saml.IdpClient;
import dev.stsfleet.provider.saml.SamlAssertion;
import dev.stsfleet.provider.saml.SamlRole;
import dev.stsfleet.provider.saml.SamlSessionProvider;
import dev.stsfleet.sts.StsGateway;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "saml", mixinStandardHelpOptions = true,
        header = "Many accounts from ONE SAML identity-provider login.",
        footer = {"", "Examples:",
            "  stsfleet saml --idp-url https://idp.example.com/sso --user alice --role Audit --accounts 111111111111",
            "  stsfleet saml --idp-url URL --user alice --all-roles --password-stdin < password.txt"},
        description = {
            "Credentials for many accounts through a SAML identity provider: ONE IdP login, then",
            "AssumeRoleWithSAML for the role in every account (or every role the assertion offers).",
            "The password is prompted for with no echo on a terminal, or read from stdin with --password-stdin;",
            "it is never taken from an argument. Entries are keyed sts-ACCOUNT-ROLE."})
public final class SamlCommand implements Callable<Integer> {
    /** How to log in to the IdP: the values of {@code --idp-auth}. */
    enum LoginStyle { basic, digest, ntlm, form, adfs, auto }

    private final CommandContext cli;

    public SamlCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--idp-url", required = true, paramLabel = "URL",
            description = "The IdP's sign-on URL (for Keycloak .../protocol/saml/clients/NAME, for ADFS IdpInitiatedSignOn).")
    private String idpUrl;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "The IdP user name.")
    private String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    private boolean passwordStdin;

    @Option(names = {"--idp-auth", "--login"}, paramLabel = "SCHEME",
            description = {"How to log in to the IdP: form (fill in and POST its login form, the default), basic (HTTP Basic,",
                "sent up front), digest (HTTP Digest, MD5 or SHA-256), ntlm (Windows-integrated ADFS; --user DOMAIN\\user or",
                "user@domain), adfs (ADFS forms: POST UserName, Password, AuthMethod) or auto (NTLM, Digest or Basic as the",
                "IdP's challenge asks, else its login form). --login is the older name."})
    private LoginStyle login = LoginStyle.form;

    @Option(names = "--role", paramLabel = "NAME", description = "The role name to assume in every account.")
    private String role;

    @Mixin
    private AccountList accounts = new AccountList();

    @Option(names = "--all-roles", description = "Every role the SAML assertion offers, in every account.")
    private boolean allRoles;

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "An extra header for every request to the IdP (repeatable).")
    private Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--idp-ca-file", paramLabel = "PEM",
            description = "Trust the IdP's TLS certificate if it is signed by (or is) a certificate of this PEM file.")
    private Path caFile;

    @Option(names = "--insecure-skip-tls-verify",
            description = "Do not verify the IdP's TLS certificate. Only for a test IdP: anyone on the path can read the password.")
    private boolean insecure;

    @Mixin
    private RoleSessionDuration duration = new RoleSessionDuration();

    @Mixin
    private FormatOption format = new FormatOption();

    @Mixin
    private ConcurrencyOptions limits = new ConcurrencyOptions();

    @Override
    public Integer call() {
        int selectors = accounts.given() + (allRoles ? 1 : 0);
        if (selectors != 1) {
            throw new UsageException("give exactly one of --accounts IDS, --accounts-file FILE and --all-roles");
        }
        if (allRoles && role != null) {
            throw new UsageException("--all-roles takes every role of the assertion; it cannot be combined with --role");
        }
        if (!allRoles && role == null) {
            throw new UsageException("--role NAME is needed with --accounts or --accounts-file");
        }
        if (insecure && caFile != null) {
            throw new UsageException("--insecure-skip-tls-verify and --idp-ca-file cannot be combined");
        }
        int concurrency = limits.concurrency();
        List<AccountRole> targets = allRoles ? null
                : AccountRole.of(AccountCommands.accounts(accounts.ids(), accounts.file()), role);
        URI url = idpUrl();
        SamlSessionProvider.Builder saml = SamlSessionProvider.builder().clock(cli.context().clock());
        if (duration.value() != null) {
            try {
                saml.duration(duration.value());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--duration must be 15m to 12h, not " + DurationConverter.format(duration.value()));
            }
        }
        IdpClient.Builder idp = IdpClient.builder().url(url)
                .login(IdpClient.Login.named(login.name()))
                .username(user);
        try {
            idp.headers(headers);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--header: " + e.getMessage());
        }
        if (caFile != null) {
            idp.sslContext(PemTrust.sslContext(caFile));
        }
        Output output = Output.of(spec.commandLine(), cli);
        if (insecure) {
            output.warn("TLS verification of the IdP is OFF (--insecure-skip-tls-verify): use this only with a test IdP");
            idp.verifyTls(false);
        }
        Format chosen = format.chosen(cli.context());

        char[] password = password();
        IdpClient client;
        try {
            client = idp.password(password).build();
        } finally {
            Arrays.fill(password, '\0');
        }
        try (StsGateway gateway = AccountCommands.gateway(cli, limits);
             SamlSessionProvider provider = saml.idp(client).gateway(gateway).build()) {
            // The one IdP login, up front: a refused login is one error line, not one failure per account.
            SamlAssertion assertion = provider.assertion();
            output.info("stsfleet: IdP login as " + user + ": the assertion offers " + assertion.roles().size()
                    + " role" + (assertion.roles().size() == 1 ? "" : "s"));
            if (allRoles) {
                LinkedHashSet<AccountRole> offered = new LinkedHashSet<>();
                for (SamlRole r : assertion.roles()) {
                    offered.add(new AccountRole(r.accountId(), r.roleName()));
                }
                if (offered.isEmpty()) {
                    throw new InvalidInputException("the SAML assertion offers no AWS role (no "
                            + "https://aws.amazon.com/SAML/Attributes/Role value)");
                }
                targets = List.copyOf(offered);
            }
            AccountRunner runner = AccountRunner.builder().concurrency(concurrency)
                    .format(chosen.outputFormat()).build();
            FleetResult result = runner.run(provider, targets,
                    (r, done, total) -> output.progress(AccountCommands.progressLine("saml", r, done, total)));
            return AccountCommands.report(result, chosen, cli, output, "account role");
        }
    }

    private URI idpUrl() {
        try {
            URI uri = new URI(idpUrl.trim());
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new UsageException("--idp-url is not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--idp-url is not a URL: " + e.getReason());
        }
    }

    /** The password from stdin or a no-echo prompt; never from an argument. The caller zeroes it. */
    private char[] password() {
        return IdpPassword.read(cli.context(), passwordStdin, "IdP password for " + user + ": ");
    }
}
