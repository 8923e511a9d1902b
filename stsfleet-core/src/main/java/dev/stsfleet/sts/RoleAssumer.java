package dev.stsfleet.sts;

import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * Where AssumeRole calls go: one {@link StsGateway} (one region), or {@link RegionalGateways} (several
 * regional endpoints). Implementations are thread-safe.
 */
public interface RoleAssumer {
    /**
     * AssumeRole signed with {@code caller}.
     *
     * @throws dev.stsfleet.StsCallException with AWS's code, secrets masked
     */
    AssumedRole assumeRole(AwsCredentials caller, String roleArn, String sessionName, int durationSeconds,
                           String externalId);
}
