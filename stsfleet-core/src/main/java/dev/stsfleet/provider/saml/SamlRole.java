package dev.stsfleet.provider.saml;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One role a SAML assertion offers: the IAM role and the SAML provider (principal) that AWS trusts for it.
 * Immutable; neither ARN is a secret.
 *
 * @param roleArn      {@code arn:aws:iam::ACCOUNT:role/NAME} (a path before the name is allowed)
 * @param principalArn {@code arn:aws:iam::ACCOUNT:saml-provider/NAME}
 */
public record SamlRole(String roleArn, String principalArn) {
    private static final Pattern ROLE = Pattern.compile("arn:aws[a-zA-Z-]*:iam::(\\d{12}):role/(?:[^,\\s]*/)?([\\w+=,.@-]{1,64})");
    private static final Pattern PROVIDER = Pattern.compile("arn:aws[a-zA-Z-]*:iam::\\d{12}:saml-provider/[\\w.-]{1,128}");

    public SamlRole {
        if (roleArn == null || !ROLE.matcher(roleArn).matches()) {
            throw new IllegalArgumentException("not an IAM role ARN: " + roleArn);
        }
        if (principalArn == null || !PROVIDER.matcher(principalArn).matches()) {
            throw new IllegalArgumentException("not a SAML provider ARN: " + principalArn);
        }
    }

    /**
     * Reads one value of the {@code https://aws.amazon.com/SAML/Attributes/Role} attribute. AWS documents
     * {@code role,provider}; many IdP guides write {@code provider,role}, so both are accepted, with
     * spaces around the comma.
     *
     * @return the pair, or empty if the value is not two ARNs of those kinds
     */
    public static Optional<SamlRole> parse(String attributeValue) {
        Objects.requireNonNull(attributeValue, "attributeValue");
        String[] parts = attributeValue.trim().split("\\s*,\\s*");
        if (parts.length != 2) {
            return Optional.empty();
        }
        String first = parts[0];
        String second = parts[1];
        if (first.contains(":saml-provider/")) {
            String swap = first;
            first = second;
            second = swap;
        }
        if (!ROLE.matcher(first).matches() || !PROVIDER.matcher(second).matches()) {
            return Optional.empty();
        }
        return Optional.of(new SamlRole(first, second));
    }

    /** The role's 12-digit account id. */
    public String accountId() {
        return matcher().group(1);
    }

    /** The role's name, without its path. */
    public String roleName() {
        return matcher().group(2);
    }

    /** Whether this is the role {@code roleName} in {@code accountId}. */
    public boolean matches(String accountId, String roleName) {
        return accountId().equals(accountId) && roleName().equals(roleName);
    }

    private Matcher matcher() {
        Matcher m = ROLE.matcher(roleArn);
        if (!m.matches()) {
            throw new IllegalStateException("validated at construction");
        }
        return m;
    }
}
