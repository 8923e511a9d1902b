package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.Credentials;
import dev.stsfleet.profile.RoleProfile;
import java.util.Collection;
import java.util.Optional;

/** Small decisions several commands share. */
final class Commands {
    private Commands() {
    }

    /** The MFA device of the fleet's source user: its own mfa_serial, else one of a role sourced from it. */
    static Optional<String> mfaDevice(StsFleet fleet) {
        return fleet.sourceMfaSerial();
    }

    /** The MFA device the selected roles need, if any needs one. */
    static Optional<String> mfaDevice(StsFleet fleet, Collection<RoleProfile> roles) {
        return roles.stream().map(RoleProfile::mfaSerial).filter(s -> s != null && !s.isBlank()).findFirst()
                .or(() -> roles.stream().anyMatch(RoleProfile::requiresMfa) ? fleet.sourceMfaSerial() : Optional.empty());
    }

    /**
     * The credentials of the one profile a command asked for.
     *
     * @throws StsCallException with AWS's code and the profile's name when it failed (exit 1)
     */
    static RoleCredentials single(Credentials.Fetched fetched, String profile) {
        ProfileResult r = fetched.result().results().get(FleetResult.keyOf(profile));
        if (r instanceof ProfileResult.Succeeded ok) {
            return ok.credentials();
        }
        ProfileResult.Failed f = (ProfileResult.Failed) r;
        throw new StsCallException(f.code(), "profile " + profile + ": " + f.message());
    }
}
