package dev.stsfleet.sandbox;

import java.time.Clock;
import org.assertj.core.api.ThrowableAssert;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.scheme.StsAuthSchemeProvider;
import software.amazon.awssdk.services.sts.model.Credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Real AWS SDK clients for tests: region us-east-1, static credentials, no retries, signing by a given clock. */
final class Sdk {
    static final String ALICE_KEY = "AKIASANDBOXALICE0001";
    static final String ALICE_SECRET = "sandboxAliceSecretKey/doNotUseInAws+0001";
    static final String ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice";
    static final String ALICE_ARN = "arn:aws:iam::111111111111:user/alice";
    static final String DEPLOY = "arn:aws:iam::222222222222:role/Deploy";
    static final String READ_ONLY = "arn:aws:iam::333333333333:role/ReadOnly";
    static final String AUDIT = "arn:aws:iam::444444444444:role/Audit";
    static final String AUDIT_EXTERNAL_ID = "audit-external-id";

    private Sdk() {
    }

    static StsClient alice(StsSandbox sandbox) {
        return client(sandbox, AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET));
    }

    static StsClient client(StsSandbox sandbox, AwsCredentials credentials) {
        return client(sandbox, credentials, sandbox.clock());
    }

    static StsClient client(StsSandbox sandbox, Credentials c) {
        return client(sandbox, AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    /** A client whose SigV4 signatures are dated by {@code signingClock} (the sandbox's own, unless a test skews it). */
    static StsClient client(StsSandbox sandbox, AwsCredentials credentials, Clock signingClock) {
        StsAuthSchemeProvider defaults = StsAuthSchemeProvider.defaultProvider();
        return StsClient.builder()
                .endpointOverride(sandbox.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .authSchemeProvider(params -> defaults.resolveAuthScheme(params).stream()
                        .map(option -> option.toBuilder().putSignerProperty(HttpSigner.SIGNING_CLOCK, signingClock).build())
                        .toList())
                .build();
    }

    /** Runs the call, expects an AWS error, checks its code and HTTP status, and returns it. */
    static AwsServiceException error(ThrowableAssert.ThrowingCallable call, String code, int status) {
        AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call);
        assertThat(e).as("expected AWS error %s", code).isNotNull();
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        assertThat(e.statusCode()).isEqualTo(status);
        return e;
    }
}
