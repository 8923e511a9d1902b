/**
 * Credentials through SAML federation (awsrun's {@code CredsViaSAML}).
 *
 * <p>{@link dev.stsfleet.provider.saml.IdpClient} logs in to an identity provider (HTTP Basic, Digest or NTLM
 * answering its challenge, its login form POSTed, or ADFS forms authentication) and returns the
 * {@link dev.stsfleet.provider.saml.SamlAssertion} read from the page's {@code SAMLResponse} input with a
 * hardened XML parser. The HTTP exchange runs on Apache HttpClient ({@code IdpHttp}); each way of logging in is
 * a small {@code IdpLogin} ({@code FormLogin}, {@code AdfsLogin}, {@code ChallengeLogin});
 * {@link dev.stsfleet.provider.saml.SamlSessionProvider} caches that assertion (five minutes, never past its
 * {@code NotOnOrAfter}), picks the {@link dev.stsfleet.provider.saml.SamlRole} for an (account, role) and calls
 * AssumeRoleWithSAML through a {@link dev.stsfleet.provider.saml.SamlAssumer}, the one seam to STS, which the
 * caller binds. Failures are typed: {@link dev.stsfleet.provider.saml.IdpAccessDeniedException},
 * {@link dev.stsfleet.provider.saml.IdpInvalidResponseException},
 * {@link dev.stsfleet.provider.saml.RoleNotInAssertionException},
 * {@link dev.stsfleet.provider.AssumeRoleFailedException}, and {@link dev.stsfleet.provider.saml.IdpException}
 * for an IdP that cannot be reached. Neither the password nor the assertion ever appears in a message, a
 * log line or a {@code toString}.
 */
package dev.stsfleet.provider.saml;
