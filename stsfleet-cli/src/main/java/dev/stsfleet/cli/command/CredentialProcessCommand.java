package dev.stsfleet.cli.command;

import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FastPath;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.RootCommand;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.format.CredentialProcessRenderer;
import dev.stsfleet.profile.ProfileCatalog;
import dev.stsfleet.profile.ProfileLocations;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.store.CredentialCache;
import dev.stsfleet.store.StateDirectory;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "credential-process", mixinStandardHelpOptions = true,
        description = {
            "Prints a role's credentials as the credential_process JSON the AWS CLI and SDKs read:",
            "  [profile prod-cli]",
            "  credential_process = /path/to/bin/stsfleet credential-process prod",
            "Answers from an on-disk cache while more than 15 minutes remain (no STS call); twenty calls at once",
            "make one AssumeRole. A role with mfa_serial reuses the MFA session of 'stsfleet session-token' or",
            "'generate' until it ends; otherwise it prompts on a terminal, or fails saying what to run.",
            "Errors go to stderr only."})
public final class CredentialProcessCommand implements Callable<Integer> {
    /** The cache serves entries only while more than this remains, so the SDKs never get a dying set. */
    static final Duration MARGIN = FastPath.MARGIN;

    @ParentCommand
    private RootCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", description = "The role profile.")
    private String profile;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The state directory holding the cache (default: $STSFLEET_HOME, else ~/.stsfleet).")
    private Path cacheDir;

    @Option(names = "--no-cache", description = "Always assume the role (and do not store the result).")
    private boolean noCache;

    @Mixin
    private MfaOptions mfa = new MfaOptions();

    @Override
    public Integer call() {
        Output output = Output.of(spec.commandLine(), root);
        // Only the profile files are read first: a cache hit builds no STS client.
        ProfileCatalog catalog = Credentials.catalog(root);
        RoleProfile role = catalog.select(List.of(profile)).get(0);
        TemporaryCredentials credentials;
        if (noCache) {
            credentials = Commands.single(Credentials.fetch(root, List.of(profile), mfa), profile).credentials();
            print(output, credentials);
        } else {
            StateDirectory state = Credentials.stateDirectory(root.context(), cacheDir);
            CredentialCache cache = CredentialCache.builder()
                    .stateDirectory(state)
                    .clock(root.context().clock())
                    .margin(MARGIN)
                    .lockTimeout(Duration.ofMinutes(5)) // the holder may be a person typing an MFA code
                    .build();
            CredentialCache.Key key = new CredentialCache.Key(profile, role.roleArn(), source(role), role.externalId());
            Optional<TemporaryCredentials> cached = cache.get(key);
            credentials = cached.orElseGet(() -> cache.getOrLoad(key, () ->
                    Commands.single(Credentials.fetch(root, List.of(profile), mfa), profile).credentials()));
            String printed = print(output, credentials);
            // The next identical call is then answered before the command line is even built.
            ProfileLocations files = Credentials.locations(root);
            FastPath.remember(spec.root().commandLine().getParseResult().originalArgs(),
                    root.context().environment(), Path.of("").toAbsolutePath(),
                    List.of(files.configFile(), files.credentialsFile(), cache.fileOf(key)),
                    credentials.expiration(), printed, (file, content) -> {
                        state.subdirectory(FastPath.SUBDIRECTORY);
                        state.write(file, content);
                    });
        }
        return ExitCode.OK;
    }

    private static String print(Output output, TemporaryCredentials credentials) {
        StringWriter text = new StringWriter();
        CredentialProcessRenderer.render(credentials, text);
        output.stdout().print(text);
        output.flush();
        return text.toString();
    }

    /** Everything besides the role that decides which credentials an entry holds. */
    private String source(RoleProfile role) {
        return "source=" + role.credentialSource() + ";via=" + role.sourceProfile() + ";mfa=" + role.mfaSerial()
                + ";session=" + root.global().profile() + ";duration=" + role.durationSeconds()
                + ";sessionName=" + role.roleSessionName() + ";endpoint=" + Credentials.endpointLabel(root);
    }
}
