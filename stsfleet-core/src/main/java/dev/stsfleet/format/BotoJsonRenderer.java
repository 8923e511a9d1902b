package dev.stsfleet.format;

import dev.stsfleet.FleetResult;
import dev.stsfleet.SessionToken;
import java.io.Writer;

/**
 * The seeds' "boto" output: one JSON object keyed {@code sts-<profile>}, each value
 * {@code {"AccessKeyId", "SecretAccessKey", "SessionToken", "StartTime", "Expiration"}} in that order,
 * pretty-printed with a trailing newline. Only successful profiles appear; failures are the caller's to
 * report (on stderr). Pure: writes to the given {@link Writer}, which it flushes and never closes.
 * Stateless and thread-safe.
 */
public final class BotoJsonRenderer {
    private BotoJsonRenderer() {
    }

    /** Writes the successful entries of {@code result} in the boto shape. */
    public static void render(FleetResult result, Writer out) {
        Json.pretty(result.boto(), out);
    }

    /** Writes one session token in the boto shape (the object STS's GetSessionToken returns). */
    public static void render(SessionToken token, Writer out) {
        Json.pretty(token.botoView(), out);
    }
}
