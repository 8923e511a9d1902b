package dev.stsfleet.profile;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A SAML-backed role profile: one with {@code x_stsfleet_saml_url} (see docs/PROFILES.md). Its role is assumed
 * with AssumeRoleWithSAML after a login to the IdP; there is no source chain. Immutable; holds no secret
 * (the password is never a profile key).
 *
 * <p>Resolved leniently, like {@link RoleProfile}: a malformed value is left as written (or {@code null}) and
 * {@link ProfileCatalog#selection} reports it.
 *
 * @param name            the profile's name
 * @param roleArn         {@code role_arn}, or the ARN built from {@code x_stsfleet_saml_account} and
 *                        {@code x_stsfleet_saml_role}; empty when neither is given
 * @param principalArn    {@code x_stsfleet_saml_principal_arn}, or {@code null}: the provider the assertion
 *                        pairs with the role
 * @param durationSeconds {@code duration_seconds}, or {@code null}: the assertion's SessionDuration, else 1 h
 * @param region          {@code region}, or {@code null}
 * @param idp             how to log in; profiles with equal {@code idp} share one login
 */
public record SamlProfile(String name, String roleArn, String principalArn, Integer durationSeconds, String region,
                          Idp idp) {
    public SamlProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(idp, "idp");
    }

    /** The 12-digit account id of the role. */
    public String accountId() {
        String[] parts = roleArn.split(":", 6);
        return parts.length >= 5 ? parts[4] : "";
    }

    /** The role's name (the last path element of its ARN). */
    public String roleName() {
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    /**
     * The IdP login of a profile: everything that decides which assertion a login returns. Two profiles with
     * equal values share one login. Holds no secret; header values may be tokens of sorts, so
     * {@link #toString()} shows only the header names.
     *
     * @param url       {@code x_stsfleet_saml_url} as written
     * @param user      {@code x_stsfleet_saml_user}
     * @param login     {@code form}, {@code basic}, {@code digest}, {@code ntlm}, {@code adfs} or {@code auto}
     *                  ({@code x_stsfleet_saml_login}, default {@code form})
     * @param headers   {@code x_stsfleet_saml_header_<name>}, the name with {@code _} as {@code -}, sorted
     * @param caFile    {@code x_stsfleet_saml_ca_file}, or {@code null}
     * @param verifyTls {@code x_stsfleet_saml_verify_tls} (default {@code true})
     */
    public record Idp(String url, String user, String login, Map<String, String> headers, String caFile,
                      boolean verifyTls) {
        public Idp {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(login, "login");
            headers = Map.copyOf(new TreeMap<>(headers));
        }

        /** Whether the login is HTTP Basic (a GET with a preemptive Basic header). */
        public boolean basic() {
            return "basic".equals(login);
        }

        @Override
        public String toString() {
            return "Idp[url=" + url + ", user=" + user + ", login=" + login + ", headers=" + new TreeMap<>(headers).keySet()
                    + ", caFile=" + caFile + ", verifyTls=" + verifyTls + "]";
        }
    }
}
