package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.Invocation;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.DurationConverter;
import dev.stsfleet.provider.AccountRole;
import dev.stsfleet.provider.AccountRunner;
import dev.stsfleet.provider.saml.IdpClient;
import dev.stsfleet.provider.saml.SamlAssertion;
import dev.stsfleet.provider.saml.SamlRole;
import dev.stsfleet.provider.saml.SamlSessionProvider;
import dev.stsfleet.sts.StsGateway;
import java.io.ByteArrayInputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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

    private static final int MAX_PASSWORD_CHARS = 4096;

    private final Invocation cli;

    public SamlCommand(Invocation cli) {
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

    @Option(names = "--accounts", split = ",", paramLabel = "IDS", description = "Account ids, comma-separated.")
    private List<String> accounts = new ArrayList<>();

    @Option(names = "--accounts-file", paramLabel = "FILE",
            description = "One 12-digit account id per line (blank lines and # comments allowed), or a JSON array of strings.")
    private Path accountsFile;

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

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Role session length, 15m to 12h (default: the assertion's SessionDuration, else 1h).")
    private Duration duration;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "boto, json or table (no secrets). Default: table on a terminal, else json.")
    private GenerateCommand.Format format;

    @Mixin
    private ConcurrencyOptions limits = new ConcurrencyOptions();

    @Override
    public Integer call() {
        int selectors = (accounts.isEmpty() ? 0 : 1) + (accountsFile == null ? 0 : 1) + (allRoles ? 1 : 0);
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
        List<AccountRole> targets = allRoles ? null : AccountRole.of(AccountCommands.accounts(accounts, accountsFile), role);
        URI url = idpUrl();
        SamlSessionProvider.Builder saml = SamlSessionProvider.builder().clock(cli.context().clock());
        if (duration != null) {
            try {
                saml.duration(duration);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--duration must be 15m to 12h, not " + DurationConverter.format(duration));
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
            idp.sslContext(trusting(caFile));
        }
        Output output = Output.of(spec.commandLine(), cli);
        if (insecure) {
            output.warn("TLS verification of the IdP is OFF (--insecure-skip-tls-verify): use this only with a test IdP");
            idp.verifyTls(false);
        }
        GenerateCommand.Format chosen = AccountCommands.format(format, cli);

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
                    .format(chosen == GenerateCommand.Format.boto ? OutputFormat.BOTO : OutputFormat.VAULT).build();
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
        return password(cli.context(), passwordStdin, "IdP password for " + user + ": ");
    }

    /**
     * The IdP password: the first line of stdin when {@code fromStdin}, else typed at a no-echo prompt; without a
     * terminal, one usage error line (exit 2). The caller zeroes it.
     */
    static char[] password(dev.stsfleet.cli.CliContext context, boolean fromStdin, String prompt) {
        if (fromStdin) {
            char[] line = readLine(context.stdin());
            if (line.length == 0) {
                throw new UsageException("--password-stdin: stdin holds no password");
            }
            return line;
        }
        Console console = context.console();
        if (console == null) {
            throw new UsageException("the IdP password is needed and there is no terminal to ask on: "
                    + "pipe it in with --password-stdin");
        }
        char[] typed = console.readPassword("%s", prompt);
        if (typed == null || typed.length == 0) {
            throw new UsageException("no password was entered");
        }
        return typed;
    }

    /** The first line of stdin as chars (UTF-8), without building a String that would linger. */
    static char[] readLine(InputStream in) {
        char[] buffer = new char[MAX_PASSWORD_CHARS];
        int n = 0;
        try {
            java.io.Reader reader = new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8);
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                if (n == buffer.length) {
                    throw new UsageException("--password-stdin: the first line is longer than " + MAX_PASSWORD_CHARS
                            + " characters");
                }
                buffer[n++] = (char) c;
            }
            if (n > 0 && buffer[n - 1] == '\r') {
                n--;
            }
            return Arrays.copyOf(buffer, n);
        } catch (IOException e) {
            throw new UsageException("--password-stdin: cannot read stdin: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(buffer, '\0');
        }
    }

    static SSLContext trusting(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new InvalidInputException("--idp-ca-file " + pem + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidInputException("--idp-ca-file " + pem + " cannot be read as PEM certificates: "
                    + e.getClass().getSimpleName());
        }
    }
}
