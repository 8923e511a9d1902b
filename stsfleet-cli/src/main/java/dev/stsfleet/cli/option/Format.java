package dev.stsfleet.cli.option;

import dev.stsfleet.OutputFormat;

/**
 * The output formats of the bulk commands ({@code generate}, {@code cross-account}, {@code saml},
 * {@code sso generate}), as typed after {@code --format}; see {@link FormatOption}.
 */
public enum Format {
    /** The STS fields of each entry, keyed by its name (boto's shape). */
    boto,
    /** Credentials, failures and the summary. */
    json,
    /** A table without secrets. */
    table,
    /** Shell statements for one set of credentials, as {@code env} prints them (only where a command offers it). */
    env;

    /** The shape of the credentials a run is asked for in this format. */
    public OutputFormat outputFormat() {
        return this == boto ? OutputFormat.BOTO : OutputFormat.VAULT;
    }
}
