package dev.stsfleet.org;

import dev.stsfleet.InvalidInputException;
import java.util.regex.Pattern;

/**
 * An account to target, with its name when one is known (from Organizations or an accounts file). Immutable.
 *
 * @param id   12 digits
 * @param name the account's name, or {@code null}
 */
public record TargetAccount(String id, String name) {
    static final Pattern ID = Pattern.compile("\\d{12}");

    public TargetAccount {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidInputException("not a 12-digit AWS account id: " + id);
        }
        if (name != null && name.isBlank()) {
            name = null;
        }
    }

    /** The name, or the id when no name is known. */
    public String nameOrId() {
        return name == null ? id : name;
    }
}
