package dev.stsfleet.cli.option;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --duration}: how long each role session of a command lasts ({@code cross-account}, {@code saml}). Only
 * parsed here; the bounds are checked where the session is requested, with every other problem of the request.
 */
public final class RoleSessionDuration {
    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Role session length, 15m to 12h (default: 1h, or a SAML assertion's SessionDuration; "
                    + "at most 1h when the base credentials are temporary).")
    Duration duration;

    /** The duration given, or {@code null} for the default. */
    public Duration value() {
        return duration;
    }
}
