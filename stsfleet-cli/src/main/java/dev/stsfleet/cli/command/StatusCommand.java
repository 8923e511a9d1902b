package dev.stsfleet.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.CallerIdentity;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.format.Durations;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.store.CredentialCache;
import dev.stsfleet.store.CredentialsFileEditor;
import dev.stsfleet.store.StateDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.profiles.ProfileFile;

@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Lists the credentials, sessions and caches now active.",
        description = {
            "Lists what is active, newest first: the credentials in this environment, the [sts-*] sections of the",
            "credentials file, cached MFA sessions, cached role credentials (env, exec, write, login,",
            "credential-process) and running keep-fresh or serve processes; for each its profile, account, role,",
            "expiry and time left. Makes no AWS call unless --verify;",
            "never prints a secret. --prune removes the expired entries and sections, keeping everything else",
            "(stsfleet clear forgets live ones too)."},
        footer = {"", "Examples:",
            "  stsfleet status",
            "  stsfleet status --format json --verify",
            "  stsfleet status --prune"})
public final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output formats of {@code status}. */
    enum Format { table, json }

    private final CommandContext cli;

    public StatusCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "table or json (default: table on a terminal, else json).")
    private Format format;

    @Option(names = "--verify", description = "Ask STS (GetCallerIdentity) whose the environment's credentials are.")
    private boolean verify;

    @Option(names = "--prune", description = "Remove expired cache entries, [sts-*] sections and stale process files.")
    private boolean prune;

    @Option(names = "--as-prefix", paramLabel = "PREFIX", description = "Section name prefix (default: ${DEFAULT-VALUE}).")
    private String prefix = "sts-";

    /** One active thing. {@code expires} may be null (a running process without an end). */
    record Item(String source, String profile, String account, String role, Instant expires, String where) {
    }

    @Override
    public Integer call() throws IOException {
        Output output = Output.of(spec.commandLine(), cli);
        Format chosen = format != null ? format : cli.context().stdoutTerminal() ? Format.table : Format.json;
        ProfileCatalog catalog = Credentials.catalog(cli);
        StateDirectory state = Credentials.stateDirectory(cli.context(), null);
        Instant now = cli.context().clock().instant();
        if (prune) {
            prune(state, now, output);
        }
        List<Item> items = new ArrayList<>();
        environment(catalog).ifPresent(items::add);
        items.addAll(sections(catalog));
        for (SessionToken t : Credentials.sessionTokens(cli.context()).entries()) {
            items.add(new Item("mfa-session", t.sourceProfile(), accountOf(t.mfaSerial()), t.withMfa() ? "(user, MFA)"
                    : "(user)", t.end(), "session cache"));
        }
        dev.stsfleet.sso.SsoConfig sso = dev.stsfleet.sso.SsoConfig.of(catalog.profileFile());
        for (CredentialCache.Stored s : credentialCache(state).entries()) {
            RoleProfile r = catalog.roleProfile(s.profile()).orElse(null);
            // An Identity Center profile's entry: its account and role name from the profile.
            dev.stsfleet.sso.SsoProfile p = r == null ? sso.profile(s.profile()).orElse(null) : null;
            // One cache serves env, exec, write (one profile), login and credential-process: named for what it is.
            items.add(new Item("role-cache", s.profile(), r != null ? r.accountId() : p != null ? p.accountId() : null,
                    r != null ? r.roleName() : p != null ? p.roleName() : null, s.credentials().expiration(),
                    "role credential cache"));
        }
        for (RunFiles.Running r : RunFiles.running(state)) {
            items.add(new Item(r.command(), r.profiles(), null, null, r.until(), "pid " + r.pid()));
        }
        // Newest first: the latest expiry first; what has no known expiry last.
        items.sort(Comparator.comparing(Item::expires, Comparator.nullsLast(Comparator.reverseOrder())));
        PrintWriter out = output.stdout();
        if (chosen == Format.json) {
            ArrayNode array = JSON.createArrayNode();
            for (Item i : items) {
                ObjectNode o = array.addObject();
                o.put("source", i.source());
                o.put("profile", i.profile());
                o.put("account", i.account());
                o.put("role", i.role());
                o.put("expires", i.expires() == null ? null : TemporaryCredentials.isoUtc(i.expires()));
                if (i.expires() == null) {
                    o.putNull("secondsLeft");
                } else {
                    o.put("secondsLeft", Math.max(0, Duration.between(now, i.expires()).toSeconds()));
                }
                o.put("where", i.where());
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else {
            table(items, now, out);
        }
        output.flush();
        return ExitCode.OK;
    }

    /** The credentials in this environment: which profile by exec's marker, which account and role by the config. */
    private Optional<Item> environment(ProfileCatalog catalog) {
        String key = cli.context().env("AWS_ACCESS_KEY_ID");
        if (key == null) {
            return Optional.empty();
        }
        String expiration = cli.context().env("AWS_CREDENTIAL_EXPIRATION");
        Instant expires = null;
        try {
            expires = expiration == null ? null : Instant.parse(expiration);
        } catch (RuntimeException e) {
            // Not ours to judge: shown without an expiry.
        }
        String profile = cli.context().env(ExecMarker.VARIABLE);
        String account = null;
        String role = null;
        RoleProfile r = profile == null ? null : catalog.roleProfile(profile).orElse(null);
        if (r != null) {
            account = r.accountId();
            role = r.roleName();
        }
        if (verify) {
            String secret = cli.context().env("AWS_SECRET_ACCESS_KEY");
            String token = cli.context().env("AWS_SESSION_TOKEN");
            if (secret != null && token != null) {
                Instant end = expires != null ? expires : cli.context().clock().instant().plus(Duration.ofHours(1));
                try (StsFleet fleet = FleetFactory.builder(cli).build()) {
                    CallerIdentity id = fleet.callerIdentity(TemporaryCredentials.of(key, secret, token,
                            end.minus(Duration.ofMinutes(15)), end));
                    account = id.account();
                    role = id.roleName();
                }
            }
        }
        return Optional.of(new Item("environment", profile, account, role, expires,
                "AWS_ACCESS_KEY_ID ..." + key.substring(Math.max(0, key.length() - 4))));
    }

    /** The {@code [sts-*]} sections of the credentials file, with their {@code x_stsfleet_expiration}. */
    private List<Item> sections(ProfileCatalog catalog) {
        Path file = Credentials.credentialsFile(cli);
        List<Item> items = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return items;
        }
        ProfileFile parsed = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
        parsed.profiles().forEach((name, p) -> {
            if (!name.startsWith(prefix)) {
                return;
            }
            String profile = name.substring(prefix.length());
            Instant expires = p.property("x_stsfleet_expiration").map(StatusCommand::instant).orElse(null);
            RoleProfile r = catalog.roleProfile(profile).orElse(null);
            items.add(new Item("credentials-file", name, r == null ? null : r.accountId(),
                    r == null ? null : r.roleName(), expires, file.toString()));
        });
        return items;
    }

    private void prune(StateDirectory state, Instant now, Output output) {
        int sessions = Credentials.sessionTokens(cli.context()).prune();
        int cached = credentialCache(state).prune();
        int processes = RunFiles.prune(state);
        List<String> expired = sections(Credentials.catalog(cli)).stream()
                .filter(i -> i.expires() != null && !i.expires().isAfter(now)).map(Item::profile).toList();
        if (!expired.isEmpty()) {
            CredentialsFileEditor.builder().file(Credentials.credentialsFile(cli)).build().remove(expired);
        }
        output.info(String.format(Locale.ROOT, "status: pruned %d expired MFA session(s), %d cached role "
                + "credential%s, %d section(s), %d stale process file(s)", sessions, cached, cached == 1 ? "" : "s",
                expired.size(), processes));
    }

    private CredentialCache credentialCache(StateDirectory state) {
        return CredentialCache.builder().stateDirectory(state).clock(cli.context().clock()).build();
    }

    private static void table(List<Item> items, Instant now, PrintWriter out) {
        String[] head = {"SOURCE", "PROFILE", "ACCOUNT", "ROLE", "EXPIRES", "LEFT"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (Item i : items) {
            String left = i.expires() == null ? "-" : now.isBefore(i.expires())
                    ? Durations.human(Duration.between(now, i.expires()).withNanos(0)) : "expired";
            rows.add(new String[] {i.source(), dash(i.profile()), dash(i.account()), dash(i.role()),
                i.expires() == null ? "-" : TemporaryCredentials.isoUtc(i.expires()), left});
        }
        int[] width = new int[head.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                line.append(c == r.length - 1 ? r[c] : String.format(Locale.ROOT, "%-" + (width[c] + 2) + "s", r[c]));
            }
            out.println(Output.escapeControls(line.toString().stripTrailing()));
        }
        if (items.isEmpty()) {
            out.println("(nothing active)");
        }
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String accountOf(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        return parts.length > 4 ? parts[4] : null;
    }
}
