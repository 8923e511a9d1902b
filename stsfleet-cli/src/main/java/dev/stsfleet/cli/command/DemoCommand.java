package dev.stsfleet.cli.command;

import dev.stsfleet.CallerIdentity;
import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.PrivateTempDirectory;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.format.TableRenderer;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.Totp;
import dev.stsfleet.store.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "The main job end to end on the embedded sandbox.",
        footer = {"", "Examples:",
            "  stsfleet demo"},
        description = {
            "The main job end to end, with no AWS account: starts the STS sandbox on 127.0.0.1 with its",
            "built-in model, writes a throwaway AWS config for it, computes the demo user's current MFA code,",
            "makes one MFA session token, generates credentials for every role with it, and checks each with",
            "GetCallerIdentity. Exit 0 when every role's credentials are verified."})
public final class DemoCommand implements Callable<Integer> {
    private static final String SOURCE = "demo-user";

    private final CommandContext cli;

    public DemoCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Output output = Output.of(spec.commandLine(), cli);
        PrintWriter out = output.stdout();
        CliContext context = cli.context();
        SandboxModel model = SandboxModel.demo();
        SandboxModel.User user = model.users().get(0);
        try (PrivateTempDirectory temp = PrivateTempDirectory.create("stsfleet-demo-");
             StsSandbox sandbox = StsSandbox.builder().model(model).port(0).clock(context.clock()).start()) {
            out.println("1. STS sandbox listening on " + sandbox.endpoint() + " (loopback only)");
            Path dir = temp.path();

            Map<String, SandboxModel.Role> profiles = assumableRoles(model, user);
            Path config = dir.resolve("config");
            Path credentials = dir.resolve("credentials");
            AtomicFiles.write(credentials, credentialsFile(user));
            AtomicFiles.write(config, configFile(user, profiles));
            long mfaRoles = profiles.values().stream().filter(SandboxModel.Role::requireMfa).count();
            long externalIdRoles = profiles.values().stream().filter(r -> r.externalId() != null).count();
            out.printf(Locale.ROOT, "2. Throwaway AWS config in %s: source profile %s (%s), %d role profiles "
                    + "in %d accounts (%d need MFA, %d with an external id)%n", dir, SOURCE, user.arn(),
                    profiles.size(), profiles.values().stream().map(SandboxModel.Role::account).distinct().count(),
                    mfaRoles, externalIdRoles);

            try (StsFleet fleet = StsFleet.builder()
                    .environment(Map.of())
                    .clock(context.clock())
                    .sourceProfile(SOURCE)
                    .region("us-east-1")
                    .endpoint(sandbox.endpoint())
                    .configFile(config)
                    .credentialsFile(credentials)
                    .build()) {
                // The demo plays the user's authenticator app: it derives the code from the device seed.
                String code = Totp.code(user.totpSecret(), context.clock().instant());
                SessionToken session = fleet.sessionToken(Duration.ofHours(1), user.mfaSerial(), code);
                out.println("3. One MFA code (computed from the demo device's TOTP seed) -> GetSessionToken: session "
                        + "until " + TemporaryCredentials.isoUtc(session.end()));

                FleetResult result = fleet.generateCredentials(List.copyOf(profiles.keySet()));
                out.printf(Locale.ROOT, "4. AssumeRole for %d roles with that one session: %d succeeded, %d failed "
                        + "(%.2f s)%n%n", result.requested(), result.succeeded(), result.failed(),
                        result.elapsed().toMillis() / 1000.0);
                new TableRenderer(context.clock()).render(result, out);

                out.println();
                out.println("5. Each credential checked with GetCallerIdentity:");
                int verified = 0;
                for (ProfileResult r : result.results().values()) {
                    if (r instanceof ProfileResult.Succeeded s) {
                        verified += verify(fleet, s.credentials(), out) ? 1 : 0;
                    } else if (r instanceof ProfileResult.Failed f) {
                        out.println("   FAILED  " + f.profile() + ": " + f.code() + ": " + f.message());
                    }
                }
                out.printf(Locale.ROOT, "%nSandbox counters: GetSessionToken %d, AssumeRole %d, GetCallerIdentity %d%n",
                        sandbox.stats().total("GetSessionToken"), sandbox.stats().total("AssumeRole"),
                        sandbox.stats().total("GetCallerIdentity"));
                boolean allGood = verified == profiles.size();
                out.println(allGood
                        ? "demo: OK, one MFA code gave verified credentials for all " + verified + " roles"
                        : "demo: FAILED, " + verified + " of " + profiles.size() + " roles verified");
                output.flush();
                return allGood ? ExitCode.OK : ExitCode.FAILED;
            }
        }
    }

    private static boolean verify(StsFleet fleet, RoleCredentials c, PrintWriter out) {
        try {
            CallerIdentity id = fleet.callerIdentity(c.credentials());
            boolean ok = id.account().equals(c.accountId()) && id.roleName().equals(c.roleName());
            out.println("   " + (ok ? "ok      " : "MISMATCH") + c.key() + " -> " + id.arn());
            return ok;
        } catch (StsCallException e) {
            out.println("   FAILED  " + c.key() + ": " + e.getMessage());
            return false;
        }
    }

    /** The model's roles the demo user may assume (trusting the user or its account), keyed by profile name. */
    static Map<String, SandboxModel.Role> assumableRoles(SandboxModel model, SandboxModel.User user) {
        String accountRoot = "arn:aws:iam::" + user.account() + ":root";
        Map<String, SandboxModel.Role> out = new LinkedHashMap<>();
        model.roles().stream()
                .filter(r -> r.trustedPrincipals().contains(accountRoot) || r.trustedPrincipals().contains(user.arn()))
                .sorted(Comparator.comparing(SandboxModel.Role::account).thenComparing(SandboxModel.Role::name))
                .forEach(r -> out.put(r.name().toLowerCase(Locale.ROOT) + "-" + r.account(), r));
        return out;
    }

    private static String credentialsFile(SandboxModel.User user) {
        return "[" + SOURCE + "]\n"
                + "aws_access_key_id = " + user.accessKeyId() + "\n"
                + "aws_secret_access_key = " + user.secretAccessKey() + "\n";
    }

    private static String configFile(SandboxModel.User user, Map<String, SandboxModel.Role> roles) {
        StringBuilder b = new StringBuilder();
        b.append("[profile ").append(SOURCE).append("]\nregion = us-east-1\nmfa_serial = ")
                .append(user.mfaSerial()).append("\n");
        roles.forEach((name, role) -> {
            b.append("\n[profile ").append(name).append("]\n")
                    .append("role_arn = ").append(role.arn()).append("\n")
                    .append("source_profile = ").append(SOURCE).append("\n");
            if (role.requireMfa()) {
                b.append("mfa_serial = ").append(user.mfaSerial()).append("\n");
            }
            if (role.externalId() != null) {
                b.append("external_id = ").append(role.externalId()).append("\n");
            }
        });
        return b.toString();
    }
}
