package dev.stsfleet.format;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.TemporaryCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Values with recognisable secrets, shared by the format and store tests. */
public final class Fixtures {
    public static final Instant START = Instant.parse("2026-11-21T17:00:00Z");
    public static final Instant EXPIRY = Instant.parse("2026-11-21T18:00:00Z");
    public static final String ACCESS_KEY_ID = "ASIAEXAMPLEKEY0001";
    public static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY1";
    public static final String TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue//+==";

    private Fixtures() {
    }

    public static TemporaryCredentials credentials() {
        return TemporaryCredentials.of(ACCESS_KEY_ID, SECRET, TOKEN, START, EXPIRY);
    }

    /** Distinct credentials per index {@code n}, so tests can tell sections apart. */
    public static TemporaryCredentials credentials(String n, Instant expiry) {
        return TemporaryCredentials.of("ASIA" + n + "KEYID", "secret" + n + "Value/+x", "token" + n + "Value==",
                expiry.minus(Duration.ofHours(1)), expiry);
    }

    /** Two successes (prod in 111111111111, dev in 222222222222) and one AccessDenied failure. */
    public static FleetResult fleet() {
        Map<String, ProfileResult> results = new LinkedHashMap<>();
        results.put("sts-prod", new ProfileResult.Succeeded(new RoleCredentials("prod",
                "arn:aws:iam::111111111111:role/Admin", "arn:aws:sts::111111111111:assumed-role/Admin/s",
                credentials())));
        results.put("sts-broken", new ProfileResult.Failed("broken", "arn:aws:iam::333333333333:role/path/NoTrust",
                "AccessDenied", "User is not authorized to perform: sts:AssumeRole"));
        results.put("sts-dev", new ProfileResult.Succeeded(new RoleCredentials("dev",
                "arn:aws:iam::222222222222:role/ReadOnlyLongName", "arn:aws:sts::222222222222:assumed-role/R/s",
                TemporaryCredentials.of("ASIADEVKEY00000002", "devSecretKey/abc", "devSessionToken==",
                        START, EXPIRY.plus(Duration.ofMinutes(65))))));
        return new FleetResult(results, Duration.ofMillis(1500));
    }

    public static Clock clockAt(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }
}
