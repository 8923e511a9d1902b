package dev.stsfleet.sts;

import java.net.URI;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.utils.StringInputStream;

/**
 * Prepares the SDK on a second core while the caller does other work (a command line parses its arguments and
 * reads the profile files for about as long): a daemon thread builds an STS client of the kind the caller will
 * build (one connection: the JDK's HTTP client; more: the pooled one; see {@link SdkClients}), which loads and
 * initialises the SDK's client, endpoint, signer and HTTP classes and the TLS trust store. The caller's own
 * client is then built in a fraction of the time. The throwaway client never connects anywhere, reads no file
 * and no environment variable (region, endpoint, profile file and credentials are given), and is kept, not
 * closed, so that the trust store it loaded stays cached for the caller's client (the JDK holds it weakly).
 */
public final class ClientWarmup {
    private static volatile StsGateway warmed;
    private static Thread thread;

    private ClientWarmup() {
    }

    /** Starts the warm-up, once per process; returns at once. Failures are ignored (they only cost the time). */
    public static synchronized void start(int maxConnections) {
        if (thread != null) {
            return;
        }
        thread = new Thread(() -> {
            try {
                warmed = StsGateway.builder()
                        .region("us-east-1")
                        .endpoint(URI.create("https://sts.us-east-1.amazonaws.com"))
                        .maxConnections(maxConnections)
                        .maxAttempts(1)
                        .profileFile(ProfileFile.builder().content(new StringInputStream(""))
                                .type(ProfileFile.Type.CONFIGURATION).build())
                        .warmup()
                        .build();
            } catch (RuntimeException | LinkageError e) {
                // Only a head start is lost; the caller's own client reports its own problems.
            }
        }, "stsfleet-client-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether a warm-up was started and its client built (for tests). */
    static boolean warmed() {
        return warmed != null;
    }
}
