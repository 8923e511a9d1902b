package dev.stsfleet.sandbox;

import java.time.Instant;

/** Temporary credentials the sandbox issued, and to whom. {@link #toString()} hides the secret and token. */
record IssuedCredentials(String accessKeyId, String secretAccessKey, String sessionToken, Principal principal,
                         Instant expiration) {
    @Override
    public String toString() {
        return "IssuedCredentials[accessKeyId=****" + accessKeyId.substring(accessKeyId.length() - 4)
                + ", principal=" + principal.arn() + ", expiration=" + expiration + "]";
    }
}
