package dev.stsfleet.format;

import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.profile.SamlProfile;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

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
        render(profiles, Map.of(), out);
    }

    /**
     * Role profiles and SAML-backed profiles in one document sorted by name; a SAML-backed entry has
     * {@code role_arn}, the {@code x_stsfleet_saml_*} keys that matter ({@code url}, {@code user}, {@code login},
     * {@code principal_arn}, {@code ca_file}, {@code verify_tls}: header values are left out, they may be
     * tokens), {@code duration_seconds} and {@code region}.
     */
    public static void render(Map<String, RoleProfile> profiles, Map<String, SamlProfile> saml, Writer out) {
        Map<String, Object> doc = new TreeMap<>();
        saml.forEach((name, p) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role_arn", p.roleArn());
            entry.put("x_stsfleet_saml_url", p.idp().url());
            entry.put("x_stsfleet_saml_user", p.idp().user());
            entry.put("x_stsfleet_saml_login", p.idp().login());
            putIfPresent(entry, "x_stsfleet_saml_principal_arn", p.principalArn());
            putIfPresent(entry, "x_stsfleet_saml_ca_file", p.idp().caFile());
            if (!p.idp().verifyTls()) {
                entry.put("x_stsfleet_saml_verify_tls", false);
            }
            putIfPresent(entry, "duration_seconds", p.durationSeconds());
            putIfPresent(entry, "region", p.region());
            doc.put(name, entry);
        });
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
