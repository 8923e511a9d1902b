package dev.stsfleet.provider.saml;

import java.net.URI;

/**
 * One way of proving who the user is to an IdP: drives {@link IdpHttp} from the sign-on URL to the page the
 * login ends on (with the SAML response on success). {@link IdpClient} judges that page. Implementations hold
 * the caller's password array, which {@link IdpClient#close()} zeroes; they never copy it into a String that
 * outlives a request.
 */
interface IdpLogin {
    /** Logs in from {@code url} in a fresh session and returns the last page. */
    IdpHttp.Page login(IdpHttp http, URI url);
}
