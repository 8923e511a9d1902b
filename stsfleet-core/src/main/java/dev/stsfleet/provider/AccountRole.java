package dev.stsfleet.provider;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One target of a bulk run: a role name in an account. Immutable; validated when built.
 *
 * @param accountId 12 digits
 * @param roleName  an IAM role name (no path)
 */
public record AccountRole(String accountId, String roleName) {
    static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    public AccountRole {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new InvalidInputException("not a 12-digit AWS account id: " + accountId);
        }
        requireRoleName(roleName);
    }

    /** The name of this target's entry: {@code <account>-<role>}; its bulk result key is {@code sts-<name>}. */
    public String name() {
        return accountId + "-" + roleName;
    }

    /** {@code sts-<account>-<role>}. */
    public String key() {
        return FleetResult.keyOf(name());
    }

    /** {@code arn:aws:iam::<account>:role/<role>}. */
    public String roleArn() {
        return "arn:aws:iam::" + accountId + ":role/" + roleName;
    }

    /**
     * The targets for a role name in every account, in the given order, after checking every id: malformed
     * and repeated ids are all reported together, before any call.
     *
     * @throws InvalidInputException listing every bad or repeated account id
     */
    public static List<AccountRole> of(Collection<String> accountIds, String roleName) {
        requireRoleName(roleName);
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        if (accountIds.isEmpty()) {
            problems.add("no account id was given");
        }
        for (String id : accountIds) {
            if (id == null || !ACCOUNT_ID.matcher(id).matches()) {
                problems.add("not a 12-digit AWS account id: '" + id + "'");
            } else if (!seen.add(id)) {
                repeated.add(id);
            }
        }
        repeated.forEach(id -> problems.add("account " + id + " is named more than once"));
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return seen.stream().map(id -> new AccountRole(id, roleName)).toList();
    }

    static void requireRoleName(String roleName) {
        if (roleName == null || !ROLE_NAME.matcher(roleName).matches()) {
            throw new InvalidInputException("not an IAM role name: " + roleName);
        }
    }
}
