package dev.stsfleet.provider.saml;

import dev.stsfleet.StsFleetException;
import java.util.List;

/**
 * The SAML assertion offers no role for the requested account and role name. {@link #offered()} lists the
 * role ARNs it does offer (ARNs are not secrets), so the user can see what to ask for instead.
 */
public final class RoleNotInAssertionException extends StsFleetException {
    private final String accountId;
    private final String roleName;
    private final List<String> offered;

    public RoleNotInAssertionException(String accountId, String roleName, List<String> offered) {
        super("the SAML assertion offers no role " + roleName + " in account " + accountId
                + (offered.isEmpty() ? " (it offers no AWS role at all)" : "; it offers " + offered));
        this.accountId = accountId;
        this.roleName = roleName;
        this.offered = List.copyOf(offered);
    }

    public String accountId() {
        return accountId;
    }

    public String roleName() {
        return roleName;
    }

    /** The role ARNs the assertion offers. */
    public List<String> offered() {
        return offered;
    }
}
