package dev.stsfleet.cli.option;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The role-credential cache options of a single-role command ({@code env}, {@code exec}, {@code login},
 * {@code write} of one profile, {@code credential-process}): they share one on-disk cache, so any of them
 * answers from what another stored while enough life is left.
 */
public final class CacheOptions {
    @Option(names = "--no-cache", description = "Always assume the role, and neither use nor store cached credentials.")
    boolean noCache;

    @Option(names = "--refresh", description = "Assume the role now even if cached credentials would do, and cache the new ones.")
    boolean refresh;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The state directory holding the cache (default: $STSFLEET_HOME, else ~/.stsfleet).")
    Path cacheDir;

    /** Whether cached credentials may be used and new ones stored. */
    public boolean enabled() {
        return !noCache;
    }

    /** Whether cached credentials must not answer (new ones are still stored unless {@link #enabled()} is false). */
    public boolean refresh() {
        return refresh;
    }

    /** The state directory given with {@code --cache-dir}, or {@code null}. */
    public Path cacheDir() {
        return cacheDir;
    }
}
