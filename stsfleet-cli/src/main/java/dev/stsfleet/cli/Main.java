package dev.stsfleet.cli;

import dev.stsfleet.sts.ClientWarmup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Process entry point. {@code --version} and a memoised {@code credential-process}, {@code env} or {@code exec}
 * answer is served before the command line is built (see {@link FastPath}); everything else runs the full command.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(VersionProvider.line());
            System.out.println(VersionProvider.runtime());
            return;
        }
        int connections = CommandTable.stsConnections(args);
        if (connections > 0) {
            // The SDK gets ready on the other core while the memo is read and picocli parses. Its classes create
            // their loggers as they load, so logging is configured first (as for a run without --debug).
            LoggingSetup.apply(false, false);
            ClientWarmup.start(connections);
        }
        int answered = FastPath.run(List.of(args), System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(),
                System.out);
        if (answered == 0) {
            return;
        }
        if (answered > 0) {
            System.exit(answered);
        }
        System.exit(StsfleetCli.newCommandLine(args).execute(args));
    }
}
