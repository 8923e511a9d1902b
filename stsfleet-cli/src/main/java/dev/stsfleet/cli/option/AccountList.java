package dev.stsfleet.cli.option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The accounts a multi-account command targets by id ({@code cross-account}, {@code saml}): {@code --accounts} on
 * the command line or {@code --accounts-file}. Only parsed here; the ids are checked with every other problem of
 * the selection, before any call.
 */
public final class AccountList {
    @Option(names = "--accounts", split = ",", paramLabel = "IDS", description = "Account ids, comma-separated.")
    List<String> accounts = new ArrayList<>();

    @Option(names = "--accounts-file", paramLabel = "FILE",
            description = "Account ids, one per line (blank lines and # comments allowed); or JSON (an array of ids or "
                    + "of {\"id\": ..., \"name\": ...}); or CSV (.csv: id and name columns, header optional); or YAML "
                    + "(.yaml/.yml: a list of ids or of maps with id and name).")
    Path file;

    /** How many of {@code --accounts} and {@code --accounts-file} were given: 0, 1 or 2. */
    public int given() {
        return (accounts.isEmpty() ? 0 : 1) + (file == null ? 0 : 1);
    }

    /** The ids given with {@code --accounts}, as typed. */
    public List<String> ids() {
        return accounts;
    }

    /** The {@code --accounts-file}, or {@code null}. */
    public Path file() {
        return file;
    }
}
