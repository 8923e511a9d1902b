package dev.stsfleet.cli.option;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts. Declared once on the root command and inherited by every
 * subcommand, so {@code stsfleet generate --profile p} and {@code stsfleet --profile p generate} mean
 * the same.
 */
public final class GlobalOptions {
    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Source profile with the IAM user's keys (default: $AWS_PROFILE, else 'default').")
    String profile;

    @Option(names = "--region", scope = ScopeType.INHERIT, paramLabel = "REGION",
            description = "AWS region (default: $AWS_REGION, the profile's region, else us-east-1).")
    String region;

    @Option(names = "--endpoint-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "STS endpoint (default: $AWS_ENDPOINT_URL_STS, $AWS_ENDPOINT_URL, else AWS's regional endpoint).")
    String endpointUrl;

    @Option(names = "--call-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Deadline of each STS call, retries included (default: 30s).")
    Duration callTimeout;

    @Option(names = "--connect-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "TCP connect deadline of each call (default: 2s).")
    Duration connectTimeout;

    @Option(names = "--config-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "AWS config file (default: $AWS_CONFIG_FILE, else ~/.aws/config).")
    Path configFile;

    @Option(names = "--credentials-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "AWS credentials file (default: $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials).")
    Path credentialsFile;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Log every decision to stderr and show stack traces (never secrets).")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "No progress and no summary on stderr; errors only.")
    boolean quiet;

    public String profile() {
        return profile;
    }

    public String region() {
        return region;
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    /** The {@code --call-timeout}, or {@code null} for the library's default. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** The {@code --connect-timeout}, or {@code null} for the library's default. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Path configFile() {
        return configFile;
    }

    public Path credentialsFile() {
        return credentialsFile;
    }

    public boolean debug() {
        return debug;
    }

    public boolean quiet() {
        return quiet;
    }
}
