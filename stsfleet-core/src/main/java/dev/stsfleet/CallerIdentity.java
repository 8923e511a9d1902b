package dev.stsfleet;

import java.util.Objects;

/**
 * What GetCallerIdentity says about a set of credentials. Holds no secret.
 *
 * @param account the 12-digit account id
 * @param arn     the caller's ARN, for role credentials {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}
 * @param userId  the unique id of the caller ({@code AROA...:SESSION} for a role session)
 */
public record CallerIdentity(String account, String arn, String userId) {
    public CallerIdentity {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(userId, "userId");
    }

    /** For an assumed-role ARN, the role's name; otherwise empty. */
    public String roleName() {
        String marker = ":assumed-role/";
        int i = arn.indexOf(marker);
        if (i < 0) {
            return "";
        }
        String rest = arn.substring(i + marker.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
