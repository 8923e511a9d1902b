/**
 * Session providers (awsrun's {@code CredsViaProfile}, {@code CredsViaCrossAccount}, {@code CredsViaSAML}):
 * credentials for an AWS account by account id, from one base login or one IdP login shared by every
 * account and thread.
 *
 * <p>{@link dev.stsfleet.provider.SessionProvider} is the interface;
 * {@link dev.stsfleet.provider.ProfileSessionProvider} (a profile named after the account, else
 * {@code default}), {@link dev.stsfleet.provider.CrossAccountSessionProvider} (a role name assumed in each
 * account from a base) and {@link dev.stsfleet.provider.saml.SamlSessionProvider} (AssumeRoleWithSAML with
 * a cached assertion) implement it; the two role-assuming ones are
 * {@link dev.stsfleet.provider.RoleSessionProvider}s, which {@link dev.stsfleet.provider.AccountRunner}
 * drives in bulk, keyed {@code sts-<account>-<role>}. {@link dev.stsfleet.provider.AssumeRoleFailedException}
 * carries AWS's code when a role cannot be assumed.
 */
package dev.stsfleet.provider;
