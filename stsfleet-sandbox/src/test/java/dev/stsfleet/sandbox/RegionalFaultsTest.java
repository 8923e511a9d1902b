package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_KEY;
import static dev.stsfleet.sandbox.Sdk.ALICE_SECRET;
import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** The throttle per region (read from each request's SigV4 scope), regions disabled per account, stats per region. */
class RegionalFaultsTest {
    private static StsClient client(StsSandbox sandbox, String region) {
        return StsClient.builder().endpointOverride(sandbox.endpoint()).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ALICE_KEY, ALICE_SECRET)))
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())).build();
    }

    @Test
    void theThrottleBucket_isPerRegion_andStatsArePerRegion() {
        try (StsSandbox sandbox = StsSandbox.builder().throttleRps(0.001).start();
             StsClient east = client(sandbox, "us-east-1"); StsClient west = client(sandbox, "us-west-2")) {
            east.getCallerIdentity();
            error(east::getCallerIdentity, "Throttling", 400);
            west.getCallerIdentity(); // its own bucket: not throttled
            error(west::getCallerIdentity, "Throttling", 400);

            assertThat(sandbox.stats().ok("us-east-1", "GetCallerIdentity")).isEqualTo(1);
            assertThat(sandbox.stats().ok("us-west-2", "GetCallerIdentity")).isEqualTo(1);
            assertThat(sandbox.stats().totalByRegion("GetCallerIdentity")).isEqualTo(Map.of("us-east-1", 2L, "us-west-2", 2L));
            assertThat(sandbox.stats().toJsonByRegion()).contains("\"us-west-2\":{\"GetCallerIdentity\":{\"ok\":1,"
                    + "\"errors\":{\"Throttling\":1}}}");
        }
    }

    @Test
    void aDisabledRegion_answersRegionDisabledException_forThatAccountsRoles_only() {
        try (StsSandbox sandbox = StsSandbox.builder().disabledRegions(List.of("444444444444:eu-west-1")).start();
             StsClient eu = client(sandbox, "eu-west-1"); StsClient us = client(sandbox, "us-east-1")) {
            assertThat(error(() -> eu.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1").externalId(AUDIT_EXTERNAL_ID)),
                    "RegionDisabledException", 403).awsErrorDetails().errorMessage())
                    .startsWith("STS is not activated in this region for account:444444444444.");
            us.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s1").externalId(AUDIT_EXTERNAL_ID));
            eu.getCallerIdentity();
            assertThatThrownBy(() -> StsSandbox.builder().disabledRegions(List.of("2222:eu-west-1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ACCOUNT:REGION");
        }
    }
}
