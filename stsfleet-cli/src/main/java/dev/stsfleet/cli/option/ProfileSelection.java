package dev.stsfleet.cli.option;

import dev.stsfleet.cli.UsageException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The role profiles a bulk command works on ({@code generate}, {@code write}, {@code keep-fresh}, {@code serve}):
 * named as arguments, or every one with {@code --all}.
 */
public final class ProfileSelection {
    @Parameters(paramLabel = "PROFILE", arity = "0..*",
            description = "Role profiles, by name (of the config and credentials files).")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--all", description = "Every role profile of the config and credentials files.")
    boolean all;

    /** The profiles named as arguments (empty with {@code --all}). */
    public List<String> named() {
        return profiles;
    }

    /** Whether {@code --all} was given. */
    public boolean all() {
        return all;
    }

    /**
     * Checks that the profiles are named or {@code --all} is given, not both.
     *
     * @throws UsageException otherwise
     */
    public void requireOne() {
        if (all == !profiles.isEmpty()) {
            throw new UsageException(all ? "PROFILE... and --all cannot be combined"
                    : "name the role profiles, or use --all");
        }
    }
}
