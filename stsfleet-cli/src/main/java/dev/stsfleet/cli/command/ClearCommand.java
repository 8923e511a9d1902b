package dev.stsfleet.cli.command;

import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FastPath;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.store.CredentialCache;
import dev.stsfleet.store.SessionTokenCache;
import dev.stsfleet.store.StateDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "clear", mixinStandardHelpOptions = true,
        header = "Forgets cached MFA sessions and role credentials.",
        footer = {"", "Examples:",
            "  stsfleet clear --all           # every cached session and credential set",
            "  stsfleet clear alice           # alice's MFA sessions: the next command asks for a code",
            "  stsfleet clear prod            # prod's cached role credentials"},
        description = {
            "Deletes from the state directory, live or expired: the MFA sessions of the named source profiles",
            "(those session-token and every MFA prompt made) and the cached role credentials of the named",
            "profiles (those env, exec, write, login and credential-process share), or, with --all, every one;",
            "and every memo the launcher answers repeated commands from. The next command that needs them",
            "makes them again (an MFA session: with a new code). Makes no AWS call.",
            "",
            "Not touched: the credentials file's [sts-*] sections (status --prune removes the expired ones), a",
            "running keep-fresh or serve (stop it), the IAM Identity Center sign-in (sso logout)."})
public final class ClearCommand implements Callable<Integer> {
    private final CommandContext cli;

    public ClearCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", arity = "0..*",
            description = "Profiles whose cached sessions (a source profile) or credentials (a role profile) to forget.")
    private List<String> profiles = new ArrayList<>();

    @Option(names = "--all", description = "Every cached MFA session and credential set.")
    private boolean all;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The state directory (default: $STSFLEET_HOME, else ~/.stsfleet).")
    private Path cacheDir;

    @Override
    public Integer call() {
        if (all == !profiles.isEmpty()) {
            throw new UsageException(all ? "PROFILE... and --all cannot be combined"
                    : "name the profiles to forget, or use --all");
        }
        Output output = Output.of(spec.commandLine(), cli);
        Path root = Credentials.stateDirectoryPath(cli.context(), cacheDir);
        if (!java.nio.file.Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            output.info("stsfleet: nothing is cached: there is no state directory at " + root);
            output.flush();
            return ExitCode.OK;
        }
        StateDirectory state = Credentials.stateDirectory(cli.context(), cacheDir);
        List<String> which = all ? null : profiles;
        int sessions = SessionTokenCache.builder().stateDirectory(state).clock(cli.context().clock()).build()
                .clear(which);
        int credentials = CredentialCache.builder().stateDirectory(state).clock(cli.context().clock()).build()
                .clear(which);
        int memos = FastPath.forgetAll(state);
        output.info(String.format(Locale.ROOT, "stsfleet: forgot %d MFA session%s and %d cached role credential "
                + "set%s; removed %d memo%s (%s)", sessions, sessions == 1 ? "" : "s", credentials,
                credentials == 1 ? "" : "s", memos, memos == 1 ? "" : "s", state.root()));
        if (!all && sessions + credentials == 0) {
            output.info("stsfleet: nothing was cached for " + (profiles.size() == 1 ? "profile " : "profiles ")
                    + String.join(", ", profiles));
        }
        output.flush();
        return ExitCode.OK;
    }
}
