package dev.stsfleet.sts;

import dev.stsfleet.RequestOptions;
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
    default AssumedRole assumeRole(AwsCredentials caller, String roleArn, String sessionName, int durationSeconds,
                                   String externalId) {
        return assumeRole(caller, roleArn, sessionName, durationSeconds, externalId, RequestOptions.NONE);
    }

    /**
     * AssumeRole signed with {@code caller}, carrying {@code options} (source identity, session tags, session
     * policies), which the caller has validated ({@link RequestOptions#problems()}).
     *
     * @throws dev.stsfleet.StsCallException with AWS's code, secrets masked
     */
    AssumedRole assumeRole(AwsCredentials caller, String roleArn, String sessionName, int durationSeconds,
                           String externalId, RequestOptions options);
}
