package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.Format;
import dev.stsfleet.cli.option.FormatOption;
import picocli.CommandLine.Mixin;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.sso.IdentityCenterPortal;
import dev.stsfleet.sso.SsoConfig;
import dev.stsfleet.sso.SsoLogin;
import dev.stsfleet.sso.SsoProfileSections;
import dev.stsfleet.sso.SsoSession;
import dev.stsfleet.sso.SsoToken;
import dev.stsfleet.sso.SsoTokenCache;
import dev.stsfleet.sso.SsoTokens;
import dev.stsfleet.store.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stsfleet sso}: IAM Identity Center. {@code login} signs in (PKCE in a browser, or a device code) into
 * the AWS CLI's token cache, {@code logout} removes that token, {@code generate} gets credentials for every
 * selected account x role, {@code profiles} prints or writes {@code [profile ...]} sections for them. The config
 * file is checked first: every problem in one line, exit 2, before any call.
 */
@Command(name = "sso", mixinStandardHelpOptions = true,
        header = "IAM Identity Center: one sign-in, every account and role.",
        footer = {"", "Examples:",
            "  stsfleet sso login --sso-session corp",
            "  stsfleet sso generate --sso-session corp --all-accounts --all-roles --format boto",
            "  stsfleet sso keep-fresh --sso-session corp --lifetime 8h"},
        description = {"IAM Identity Center: sign in once, then credentials for every account and role.",
                "The token is kept in the AWS CLI's cache (~/.aws/sso/cache), so the AWS CLI and SDKs share it."},
        subcommands = {SsoCommand.Login.class, SsoCommand.Logout.class, SsoCommand.Generate.class,
                SsoCommand.Write.class, SsoCommand.KeepFresh.class, SsoCommand.Serve.class, SsoCommand.Profiles.class})
public final class SsoCommand implements Runnable {
    private final CommandContext cli;

    public SsoCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is needed: login, logout, generate or profiles");
    }

    /** What the subcommands share: the config, the chosen session, the cache and the clients' endpoints. */
    abstract static class SsoSubcommand {
        @ParentCommand
        SsoCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--sso-session", paramLabel = "NAME",
                description = "The [sso-session NAME] of the config file (default: that of --profile when it is an "
                        + "SSO profile, else the file's only session).")
        String sessionName;

        CommandContext cli() {
            return parent.cli;
        }

        Path configFile() {
            return ProfileLocations.resolve(cli().global().configFile(), cli().global().credentialsFile(),
                    cli().context().environment()).configFile();
        }

        /** The config, checked whole (exit 2 on any problem), and the session meant. */
        SsoSession session() {
            SsoConfig config = SsoConfig.read(configFile()).requireValid();
            return config.session(sessionName, cli().global().profile());
        }

        SsoTokenCache cache() {
            return SsoTokenCache.inHome(cli().context().environment());
        }

        SsoLogin.Builder login(SsoSession session) {
            return SsoLogin.builder().region(session.region()).clock(cli().context().clock())
                    .callLimits(FleetFactory.callLimits(cli().global()))
                    .endpoint(AccountCommands.serviceEndpoint(cli(), "SSO_OIDC"));
        }

        Output output() {
            return Output.of(spec.commandLine(), cli());
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            header = "Signs in and caches the token where the AWS CLI keeps it.",
            description = {"Sign in to IAM Identity Center and cache the token where the AWS CLI keeps it.",
                    "In a browser with PKCE and a loopback redirect to 127.0.0.1 when one can be opened ($BROWSER, "
                            + "a desktop, or xdg-open with a display); else, or with --use-device-code, with a device "
                            + "code: open the URL shown on any device and confirm the code."})
    static final class Login extends SsoSubcommand implements Callable<Integer> {
        @Option(names = "--use-device-code", description = "Use the device-code flow even where a browser could be opened.")
        boolean deviceCode;

        @Override
        public Integer call() {
            SsoSession session = session();
            Output output = output();
            Browser browser = new Browser(cli().context().environment());
            SsoLogin.Prompt prompt = new SsoLogin.Prompt() {
                @Override
                public void deviceCode(String uri, String complete, String userCode) {
                    output.problem("stsfleet: to sign in, open " + (complete != null ? complete : uri));
                    output.problem("stsfleet: and confirm the code " + userCode + " (waiting for the approval)");
                }

                @Override
                public boolean openBrowser(URI url) {
                    boolean opened = browser.open(url);
                    if (!opened) {
                        output.problem("stsfleet: to sign in, open " + url);
                    } else {
                        output.info("stsfleet: signing in in the browser (waiting for the redirect to 127.0.0.1)");
                    }
                    return opened;
                }
            };
            SsoToken token;
            try (SsoLogin login = login(session).build()) {
                token = deviceCode || !browser.available() ? login.deviceLogin(session, prompt)
                        : login.authorizationCodeLogin(session, prompt);
            }
            SsoTokenCache cache = cache();
            cache.write(session, token);
            output.info("stsfleet: signed in to " + session.describe() + "; token cached in " + cache.file(session)
                    + " until " + DateTimeFormatter.ISO_INSTANT.format(token.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    + (token.refreshToken() != null ? " (refreshable)" : ""));
            output.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true,
            header = "Ends the Identity Center session and removes the cached token.",
            description = "End the session at the Identity Center portal (Logout, as the AWS CLI's sso logout does), "
                    + "then remove the cached token of the session (the AWS CLI's cache file).")
    static final class Logout extends SsoSubcommand implements Callable<Integer> {
        @Override
        public Integer call() {
            SsoSession session = session();
            SsoTokenCache cache = cache();
            Output output = output();
            // As the AWS CLI's logout: the portal ends the sign-in session (so a copy of the token elsewhere stops
            // working too), then the cached token goes. A portal that cannot be reached never keeps the file.
            String ended = "";
            SsoToken token = cache.read(session).orElse(null);
            if (token != null && token.expiresAt().isAfter(cli().context().clock().instant())) {
                try (IdentityCenterPortal portal = IdentityCenterPortal.builder().region(session.region())
                        .endpoint(AccountCommands.serviceEndpoint(cli(), "SSO")).accessToken(token::accessToken)
                        .clock(cli().context().clock()).callLimits(FleetFactory.callLimits(cli().global())).build()) {
                    portal.logout();
                    ended = "the portal ended the session; ";
                } catch (dev.stsfleet.StsCallException e) {
                    output.problem("stsfleet: warning: the portal did not end the session (" + e.code()
                            + "); the cached token is removed anyway");
                }
            }
            boolean removed = cache.delete(session);
            output.info(removed ? "stsfleet: signed out of " + session.describe() + " (" + ended + "removed "
                    + cache.file(session) + ")" : "stsfleet: no cached token for " + session.describe());
            return ExitCode.OK;
        }
    }

    /** The account and role selection of {@code generate} and {@code profiles}. */
    abstract static class Selecting extends SsoSubcommand {
        @Option(names = "--account", split = ",", paramLabel = "ID",
                description = "Only these accounts (repeatable or comma-separated; default: every account).")
        List<String> accounts = new ArrayList<>();

        @Option(names = "--all-accounts", description = "Every account of the sign-in (the default).")
        boolean allAccounts;

        @Option(names = "--role", split = ",", paramLabel = "NAME",
                description = "Only these roles (permission sets; repeatable or comma-separated; default: every role).")
        List<String> roles = new ArrayList<>();

        @Option(names = "--all-roles", description = "Every role of each selected account (the default).")
        boolean allRoles;

        @Option(names = "--sso-rps", paramLabel = "N", defaultValue = "20",
                description = "Identity Center portal requests per second at most (its limit is about 20; "
                        + "default: ${DEFAULT-VALUE}).")
        double rps;

        @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
                description = "Portal calls in flight at most, 1 to 1024 (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(names = "--throttle-control", paramLabel = "MODE", defaultValue = "aimd",
                description = "aimd (every call paced at --sso-rps, slower after a 429), adaptive (the AWS SDK's "
                        + "adaptive retries) or off (429s left to the SDK's backoff). Default: ${DEFAULT-VALUE}.")
        dev.stsfleet.cli.option.ConcurrencyOptions.Throttle throttle;

        /** Flag combinations and values, before any file is read or call made. */
        void checkSelection() {
            if (!accounts.isEmpty() && allAccounts) {
                throw new UsageException("give --account or --all-accounts, not both");
            }
            if (!roles.isEmpty() && allRoles) {
                throw new UsageException("give --role or --all-roles, not both");
            }
            List<String> problems = new ArrayList<>();
            for (String a : accounts) {
                if (!a.trim().matches("\\d{12}")) {
                    problems.add("--account: not a 12-digit AWS account id: '" + (a.length() > 40 ? a.substring(0, 40) : a) + "'");
                }
            }
            for (String r : roles) {
                if (!r.trim().matches("[\\w+=,.@-]{1,64}")) {
                    problems.add("--role: not a role (permission set) name: '" + (r.length() > 70 ? r.substring(0, 70) : r) + "'");
                }
            }
            if (!(rps >= 0 && Double.isFinite(rps))) {
                problems.add("--sso-rps must be a number of requests per second >= 0");
            }
            if (concurrency < 1 || concurrency > 1024) {
                problems.add("--concurrency must be between 1 and 1024, not " + concurrency);
            }
            if (!problems.isEmpty()) {
                throw new dev.stsfleet.InvalidInputException(problems);
            }
        }

        IdentityCenterPortal portal(SsoSession session, SsoTokens tokens) {
            IdentityCenterPortal.Builder b = IdentityCenterPortal.builder().region(session.region())
                    .endpoint(AccountCommands.serviceEndpoint(cli(), "SSO")).accessToken(tokens::accessToken)
                    .clock(cli().context().clock()).rate(rps).concurrency(concurrency)
                    .throttleControl(throttle.control()).callLimits(FleetFactory.callLimits(cli().global()));
            return b.build();
        }

        List<IdentityCenterPortal.AccountRole> select(IdentityCenterPortal portal) {
            return portal.select(accounts.isEmpty() ? null : accounts.stream().map(String::trim).toList(),
                    roles.isEmpty() ? null : roles.stream().map(String::trim).toList());
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            header = "Credentials for every selected account x role.",
            description = {"Credentials for every selected account x role of the Identity Center sign-in.",
                    "ListAccounts, ListAccountRoles per account, then GetRoleCredentials per pair, paced at the "
                            + "portal's rate; one failing pair never loses the others. Entries are keyed "
                            + "sts-ACCOUNT_NAME-ROLE (--name-format). Progress and the summary go to stderr."})
    static final class Generate extends Writing implements Callable<Integer> {
        @Mixin
        FormatOption format = new FormatOption();

        @Override
        public Integer call() {
            checkSelection();
            KeyTemplate keys = keys();
            Format chosen = format.chosen(cli().context());
            SsoSession session = session();
            Output output = output();
            try (SsoLogin login = login(session).build()) {
                SsoTokens tokens = new SsoTokens(session, cache(), login, cli().context().clock());
                tokens.token(); // signed in? (one clear line otherwise, before any portal call)
                try (IdentityCenterPortal portal = portal(session, tokens)) {
                    List<IdentityCenterPortal.AccountRole> pairs = select(portal);
                    if (pairs.isEmpty()) {
                        throw new UsageException("the selection has no account and role");
                    }
                    checkKeys(pairs, keys);
                    output.info("stsfleet: sso: " + pairs.size() + " account roles of " + session.describe());
                    FleetResult result = portal.generate(pairs, p -> keys.key(p.accountId(), p.accountName(), p.roleName()),
                            chosen.outputFormat(),
                            (r, done, total) -> output.progress(AccountCommands.progressLine("sso", r, done, total)));
                    output.info(String.format(Locale.ROOT, "stsfleet: sso: %d portal calls, %d answered 429 and retried",
                            portal.calls(), portal.throttled()));
                    return AccountCommands.report(result, chosen, cli(), output, "account role");
                }
            }
        }
    }

    /** The selection plus the entry (section) names of {@code generate}, {@code write}, {@code keep-fresh}, {@code serve}. */
    abstract static class Writing extends Selecting {
        @Option(names = "--name-format", paramLabel = "TEMPLATE",
                description = "The key (section name) of each pair, from {account_id}, {account_name} and {role} "
                        + "(default: sts-{account_name}-{role}).")
        String nameFormat;

        KeyTemplate keys() {
            return new KeyTemplate(nameFormat == null ? "sts-{account_name}-{role}" : nameFormat);
        }

        /** The pairs, each name checked as a section name, before any credentials call. */
        List<IdentityCenterPortal.AccountRole> pairs(IdentityCenterPortal portal, KeyTemplate keys) {
            List<IdentityCenterPortal.AccountRole> pairs = select(portal);
            if (pairs.isEmpty()) {
                throw new UsageException("the selection has no account and role");
            }
            checkKeys(pairs, keys);
            for (IdentityCenterPortal.AccountRole p : pairs) {
                dev.stsfleet.format.CredentialsSection.requireValidName(keys.key(p.accountId(), p.accountName(), p.roleName()));
            }
            return pairs;
        }

        dev.stsfleet.store.CredentialsFileEditor editor() {
            dev.stsfleet.store.CredentialsFileEditor editor = dev.stsfleet.store.CredentialsFileEditor.builder()
                    .file(dev.stsfleet.cli.Credentials.credentialsFile(cli())).build();
            editor.checkWritable(); // before any call
            return editor;
        }

        static List<dev.stsfleet.RoleCredentials> keyed(FleetResult r) {
            return r.credentials().entrySet().stream().map(e -> new dev.stsfleet.RoleCredentials(e.getKey(),
                    e.getValue().roleArn(), e.getValue().assumedRoleArn(), e.getValue().credentials())).toList();
        }
    }

    @Command(name = "write", mixinStandardHelpOptions = true,
            header = "Writes every selected account x role as [sts-*] sections.",
            description = {"Credentials for every selected account x role, written as [sts-ACCOUNT_NAME-ROLE] sections "
                    + "of the credentials file (atomically, mode 0600, every other section and comment kept)."})
    static final class Write extends Writing implements Callable<Integer> {
        @Override
        public Integer call() {
            checkSelection();
            KeyTemplate keys = keys();
            SsoSession session = session();
            Output output = output();
            dev.stsfleet.store.CredentialsFileEditor editor = editor();
            try (SsoLogin login = login(session).build()) {
                SsoTokens tokens = new SsoTokens(session, cache(), login, cli().context().clock());
                tokens.token();
                try (IdentityCenterPortal portal = portal(session, tokens)) {
                    List<IdentityCenterPortal.AccountRole> pairs = pairs(portal, keys);
                    FleetResult result = portal.generate(pairs, p -> keys.key(p.accountId(), p.accountName(), p.roleName()),
                            OutputFormat.VAULT, (r, done, total) -> output.progress(AccountCommands.progressLine("sso write",
                                    r, done, total)));
                    List<dev.stsfleet.RoleCredentials> sets = keyed(result);
                    if (!sets.isEmpty()) {
                        try (RetryingSectionWriter writer = new RetryingSectionWriter(editor, "", output, "sso write")) {
                            writer.write(sets);
                            if (writer.hasPending()) {
                                throw new dev.stsfleet.StsFleetException("cannot write " + editor.file());
                            }
                        }
                    }
                    result.failures().values().forEach(f -> output.problem("stsfleet: account role " + f.profile()
                            + " failed: " + f.code() + ": " + f.message()));
                    output.info("stsfleet: sso write: " + sets.size() + " sections written to " + editor.file() + ", "
                            + result.failed() + " failed");
                    return result.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
                }
            }
        }
    }

    /** {@code keep-fresh} and {@code serve}: the selection kept fresh for a lifetime. */
    abstract static class Lasting extends Writing {
        @Option(names = "--lifetime", paramLabel = "DURATION", required = true,
                converter = dev.stsfleet.cli.option.DurationConverter.class,
                description = "How long to keep the credentials fresh, e.g. 8h (at most 7 days).")
        java.time.Duration lifetime;

        void checkLifetime() {
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(java.time.Duration.ofDays(7)) > 0) {
                throw new UsageException("--lifetime must be more than 0 and at most 7 days");
            }
        }
    }

    @Command(name = "keep-fresh", mixinStandardHelpOptions = true,
            header = "Keeps those sections fresh for a work day.",
            description = {"Keeps [sts-ACCOUNT_NAME-ROLE] sections of the credentials file fresh for every selected "
                    + "account x role until --lifetime ends (a work day), refreshing the Identity Center token with its "
                    + "refresh token 5 minutes before it ends. Exits 0 then, 1 if pairs were lost."})
    static final class KeepFresh extends Lasting implements Callable<Integer> {

        @Override
        public Integer call() throws InterruptedException {
            checkSelection();
            checkLifetime();
            KeyTemplate keys = keys();
            SsoSession session = session();
            Output output = output();
            dev.stsfleet.store.CredentialsFileEditor editor = editor();
            java.time.Clock clock = cli().context().clock();
            java.time.Instant end = clock.instant().plus(lifetime);
            java.util.Set<String> lost = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try (SsoLogin login = login(session).build();
                 RetryingSectionWriter writer = new RetryingSectionWriter(editor, "", output, "sso keep-fresh")) {
                SsoTokens tokens = new SsoTokens(session, cache(), login, clock);
                tokens.token();
                dev.stsfleet.refresh.RefreshListener<String, dev.stsfleet.RoleCredentials> listener =
                        new dev.stsfleet.refresh.RefreshListener<>() {
                            @Override
                            public void onRefreshed(String key, dev.stsfleet.refresh.Snapshot<dev.stsfleet.RoleCredentials> s) {
                                writer.write(List.of(s.value()));
                                lost.remove(key);
                            }

                            @Override
                            public void onExpired(String key, dev.stsfleet.refresh.Snapshot<dev.stsfleet.RoleCredentials> last) {
                                lost.add(key);
                                output.warn("sso keep-fresh: " + key + " expired without a refresh");
                            }

                            @Override
                            public void onCycle(int cycle, int expected, int refreshed, java.time.Duration left) {
                                output.info("sso keep-fresh: cycle " + cycle + " of about " + expected + ", " + refreshed
                                        + " refreshed" + (left == null ? "" : ", " + dev.stsfleet.format.Durations.human(left)
                                        + " left"));
                            }
                        };
                try (IdentityCenterPortal portal = portal(session, tokens);
                     dev.stsfleet.sso.SsoKeepFresh fresh = new dev.stsfleet.sso.SsoKeepFresh(portal, clock, end, listener)) {
                    List<IdentityCenterPortal.AccountRole> pairs = pairs(portal, keys);
                    FleetResult first = fresh.start(pairs, p -> keys.key(p.accountId(), p.accountName(), p.roleName()),
                            OutputFormat.VAULT, (r, done, total) -> output.progress(AccountCommands.progressLine(
                                    "sso keep-fresh", r, done, total)));
                    first.failures().values().forEach(f -> {
                        lost.add(f.profile());
                        output.problem("stsfleet: account role " + f.profile() + " failed: " + f.code() + ": " + f.message());
                    });
                    writer.write(keyed(first));
                    output.info("sso keep-fresh: wrote " + first.succeeded() + " sections to " + editor.file()
                            + "; refreshing until " + dev.stsfleet.TemporaryCredentials.isoUtc(end));
                    Runnable unregister = RunFiles.register(
                            dev.stsfleet.cli.Credentials.stateDirectory(cli().context(), null), "sso keep-fresh",
                            first.credentials().keySet().stream().toList(), end);
                    try {
                        while (!fresh.await(java.time.Duration.ofSeconds(1))) {
                            // until the lifetime ends (or SIGINT/SIGTERM end the process)
                        }
                    } finally {
                        unregister.run();
                    }
                }
            }
            output.flush();
            if (!lost.isEmpty()) {
                output.problem("stsfleet: sso keep-fresh: " + lost.size() + " account roles lost: "
                        + String.join(", ", new java.util.TreeSet<>(lost)));
                return ExitCode.FAILED;
            }
            output.info("sso keep-fresh: done, no account role lost");
            return ExitCode.OK;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            header = "Serves every selected account x role on 127.0.0.1.",
            description = {"Serves every selected account x role on a loopback container-credentials endpoint "
                    + "(one path per sts-ACCOUNT_NAME-ROLE, guarded by a random token), kept fresh until --lifetime "
                    + "ends; prints the AWS_CONTAINER_CREDENTIALS_FULL_URI / AWS_CONTAINER_AUTHORIZATION_TOKEN lines."})
    static final class Serve extends Lasting implements Callable<Integer> {

        @Option(names = "--port", paramLabel = "N", description = "The port on 127.0.0.1 (default: a free one).")
        int port;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "text (NAME=value lines), env (export lines) or json (one object). Default: ${DEFAULT-VALUE}.")
        ServerVariables.Format format = ServerVariables.Format.text;

        @Override
        public Integer call() throws InterruptedException {
            checkSelection();
            checkLifetime();
            if (port < 0 || port > 65535) {
                throw new UsageException("--port must be 0 to 65535, not " + port);
            }
            KeyTemplate keys = keys();
            SsoSession session = session();
            Output output = output();
            java.time.Clock clock = cli().context().clock();
            java.time.Instant end = clock.instant().plus(lifetime);
            try (SsoLogin login = login(session).build()) {
                SsoTokens tokens = new SsoTokens(session, cache(), login, clock);
                tokens.token();
                try (IdentityCenterPortal portal = portal(session, tokens);
                     dev.stsfleet.sso.SsoKeepFresh fresh = new dev.stsfleet.sso.SsoKeepFresh(portal, clock, end,
                             new dev.stsfleet.refresh.RefreshListener<>() { })) {
                    List<IdentityCenterPortal.AccountRole> pairs = pairs(portal, keys);
                    dev.stsfleet.server.ContainerCredentialsServer.PortReservation reserved;
                    try {
                        reserved = dev.stsfleet.server.ContainerCredentialsServer.reserve(port);
                    } catch (java.io.UncheckedIOException e) {
                        throw new UsageException(e.getMessage());
                    }
                    FleetResult first = fresh.start(pairs, p -> keys.key(p.accountId(), p.accountName(), p.roleName()),
                            OutputFormat.VAULT, (r, done, total) -> output.progress(AccountCommands.progressLine(
                                    "sso serve", r, done, total)));
                    first.failures().values().forEach(f -> output.problem("stsfleet: account role " + f.profile()
                            + " failed: " + f.code() + ": " + f.message()));
                    if (first.credentials().isEmpty()) {
                        reserved.close();
                        return ExitCode.FAILED;
                    }
                    try (reserved; dev.stsfleet.server.ContainerCredentialsServer server =
                            dev.stsfleet.server.ContainerCredentialsServer.builder().reservation(reserved)
                                    .profiles(first.credentials().keySet())
                                    .credentials(key -> java.util.Optional.ofNullable(fresh.current().get(key))
                                            .map(dev.stsfleet.RoleCredentials::credentials)
                                            .filter(c -> !c.isExpiredAt(clock.instant())))
                                    .build()) {
                        ServerVariables.print(server, output.stdout(), format);
                        output.flush();
                        output.info("sso serve: " + first.succeeded() + " account roles on " + server.address()
                                + " until " + dev.stsfleet.TemporaryCredentials.isoUtc(end));
                        while (!fresh.await(java.time.Duration.ofSeconds(1))) {
                            // until the lifetime ends (or SIGINT/SIGTERM end the process)
                        }
                    }
                    return first.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
                }
            }
        }
    }

    static void checkKeys(List<IdentityCenterPortal.AccountRole> pairs, KeyTemplate keys) {
        Map<String, String> seen = new java.util.HashMap<>();
        for (IdentityCenterPortal.AccountRole p : pairs) {
            String key = keys.key(p.accountId(), p.accountName(), p.roleName());
            String before = seen.putIfAbsent(key, p.name());
            if (before != null) {
                throw new UsageException("--name-format gives " + before + " and " + p.name() + " the same name " + key);
            }
        }
    }

    @Command(name = "profiles", aliases = "populate", mixinStandardHelpOptions = true,
            header = "[profile ...] sections for every account x role.",
            description = {"[profile ...] sections for every selected account x role (sso_session, sso_account_id, "
                    + "sso_role_name), printed, or with --write merged into the config file: a section of the same "
                    + "name is replaced, every other byte of the file is kept."})
    static final class Profiles extends Selecting implements Callable<Integer> {
        @Option(names = "--name-format", paramLabel = "TEMPLATE",
                description = "The profile names, from {account_id}, {account_name} and {role} "
                        + "(default: {account_name}-{role}).")
        String nameFormat;

        @Option(names = "--write", description = "Merge the sections into the config file (atomically) instead of printing them.")
        boolean write;

        @Option(names = "--profile-region", paramLabel = "REGION", description = "A region = line in every section.")
        String region;

        @Override
        public Integer call() {
            checkSelection();
            KeyTemplate keys = new KeyTemplate(nameFormat == null ? "{account_name}-{role}" : nameFormat);
            SsoSession session = session();
            Output output = output();
            try (SsoLogin login = login(session).build()) {
                SsoTokens tokens = new SsoTokens(session, cache(), login, cli().context().clock());
                tokens.token();
                List<IdentityCenterPortal.AccountRole> pairs;
                try (IdentityCenterPortal portal = portal(session, tokens)) {
                    pairs = select(portal);
                }
                checkKeys(pairs, keys);
                Map<String, String> sections = SsoProfileSections.render(pairs,
                        p -> keys.key(p.accountId(), p.accountName(), p.roleName()), session, region);
                if (!write) {
                    output.stdout().write(String.join("\n", sections.values()));
                    output.flush();
                    return ExitCode.OK;
                }
                Path file = configFile();
                String before;
                try {
                    before = Files.readString(file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    before = "";
                } catch (IOException e) {
                    throw new UsageException("cannot read the config file " + file + ": " + e.getClass().getSimpleName());
                }
                try {
                    // Through a symbolic link to its target, as the credentials file is written.
                    Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
                    AtomicFiles.write(target, SsoProfileSections.merge(before, sections));
                } catch (IOException e) {
                    throw new UsageException("cannot write the config file " + file + ": " + e.getClass().getSimpleName());
                }
                output.info("stsfleet: " + sections.size() + " profiles written to " + file);
                return ExitCode.OK;
            }
        }
    }
}
