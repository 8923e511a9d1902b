package dev.stsfleet.format;

import dev.stsfleet.profile.RoleProfile;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Role profiles as JSON, keyed by profile name, each with the keys of the AWS file it came from
 * ({@code role_arn}, {@code source_profile}, {@code mfa_serial}, {@code external_id},
 * {@code role_session_name}, {@code duration_seconds}, {@code region}); absent keys are left out.
 * {@code mfa_serial} is the effective one (inherited from the source chain when the profile has none),
 * because that is the device a call for it needs. Holds no secret. Pure and thread-safe.
 */
public final class ProfilesJsonRenderer {
    private ProfilesJsonRenderer() {
    }

    public static void render(Map<String, RoleProfile> profiles, Writer out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        profiles.forEach((name, p) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role_arn", p.roleArn());
            putIfPresent(entry, "source_profile", p.sourceProfile());
            putIfPresent(entry, "mfa_serial", p.mfaSerial());
            putIfPresent(entry, "external_id", p.externalId());
            putIfPresent(entry, "role_session_name", p.roleSessionName());
            putIfPresent(entry, "duration_seconds", p.durationSeconds());
            putIfPresent(entry, "region", p.region());
            doc.put(name, entry);
        });
        Json.pretty(doc, out);
    }

    private static void putIfPresent(Map<String, Object> entry, String key, Object value) {
        if (value != null) {
            entry.put(key, value);
        }
    }
}
