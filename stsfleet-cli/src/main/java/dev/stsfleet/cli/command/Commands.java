package dev.stsfleet.cli.command;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.cli.Credentials;

/** Small decisions several commands share. */
final class Commands {
    private Commands() {
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
