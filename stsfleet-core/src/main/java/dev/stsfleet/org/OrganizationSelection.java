package dev.stsfleet.org;

import dev.stsfleet.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which accounts of an organization to target (botocove's targets and ignore list, in our terms): the whole
 * organization or the subtrees of some OUs (a root id {@code r-...} names the whole tree too), narrowed to
 * the accounts carrying every given tag, minus the excluded ids, and without the management account unless
 * it is asked for. Only ACTIVE accounts are ever targeted. Immutable; validated when built, every problem
 * reported together.
 *
 * @param wholeOrganization every account ({@code --organization})
 * @param ous               OU (or root) ids whose whole subtree is targeted ({@code --ou})
 * @param tags              tags every targeted account must carry, key to value ({@code --account-tag})
 * @param excluded          account ids never targeted ({@code --exclude})
 * @param includeManagement whether the management account may be targeted ({@code --include-management})
 */
public record OrganizationSelection(boolean wholeOrganization, List<String> ous, Map<String, String> tags,
                                    Set<String> excluded, boolean includeManagement) {
    private static final Pattern OU_ID = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
    private static final Pattern ROOT_ID = Pattern.compile("r-[0-9a-z]{4,32}");

    public OrganizationSelection {
        List<String> problems = new ArrayList<>();
        ous = List.copyOf(new LinkedHashSet<>(ous == null ? List.of() : ous));
        tags = Map.copyOf(tags == null ? Map.of() : tags);
        excluded = Set.copyOf(excluded == null ? Set.of() : excluded);
        if (wholeOrganization == !ous.isEmpty()) {
            problems.add(wholeOrganization ? "give either the whole organization or OUs, not both"
                    : "give the whole organization or at least one OU");
        }
        for (String ou : ous) {
            if (!OU_ID.matcher(ou).matches() && !ROOT_ID.matcher(ou).matches()) {
                problems.add("not an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx): '" + ou + "'");
            }
        }
        for (String id : excluded) {
            if (!TargetAccount.ID.matcher(id).matches()) {
                problems.add("not a 12-digit AWS account id to exclude: '" + id + "'");
            }
        }
        tags.forEach((k, v) -> {
            if (k.isEmpty() || k.length() > 128 || v.length() > 256) {
                problems.add("not a tag KEY=VALUE (key 1 to 128, value 0 to 256 characters): '" + k + "'");
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    /** Every ACTIVE account but the management account. */
    public static OrganizationSelection everyAccount() {
        return new OrganizationSelection(true, List.of(), Map.of(), Set.of(), false);
    }

    /**
     * {@code KEY=VALUE} strings as a tag map; the first {@code =} splits.
     *
     * @throws InvalidInputException listing every string without {@code =} or repeating a key
     */
    public static Map<String, String> parseTags(List<String> pairs) {
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String pair : pairs == null ? List.<String>of() : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                problems.add("--account-tag wants KEY=VALUE, not '" + pair + "'");
            } else if (tags.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                problems.add("--account-tag names the key '" + pair.substring(0, eq) + "' twice (all tags must match, "
                        + "so one value per key)");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return tags;
    }
}
