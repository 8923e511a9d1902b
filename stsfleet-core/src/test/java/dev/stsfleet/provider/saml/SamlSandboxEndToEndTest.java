package dev.stsfleet.provider.saml;

import dev.stsfleet.StsCallException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.provider.AssumeRoleFailedException;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.SamlIdpServer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithSamlResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The whole SAML path with real peers: npm saml-idp on loopback signs the assertion, the strict sandbox
 * verifies the signature against the IdP's certificate, the AWS SDK's StsClient makes the calls.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SamlSandboxEndToEndTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private static SamlIdpServer idp;

    @BeforeAll
    static void start() {
        idp = SamlIdpServer.builder().start();
    }

    @AfterAll
    static void stop() {
        if (idp != null) {
            idp.close();
        }
    }

    /** The test's binding of the STS seam to the SDK (the library binds it to its STS gateway). */
    static final class SdkSamlAssumer implements SamlAssumer, AutoCloseable {
        private final StsClient sts;

        SdkSamlAssumer(StsSandbox sandbox) {
            // AssumeRoleWithSAML is unsigned: the assertion is the proof, so no credentials are needed.
            this.sts = client(sandbox, AnonymousCredentialsProvider.create());
        }

        @Override
        public TemporaryCredentials assume(String roleArn, String principalArn, String assertion, Integer seconds) {
            try {
                AssumeRoleWithSamlResponse r = sts.assumeRoleWithSAML(b -> b.roleArn(roleArn)
                        .principalArn(principalArn).samlAssertion(assertion).durationSeconds(seconds));
                Credentials c = r.credentials();
                return TemporaryCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), Instant.now(),
                        c.expiration());
            } catch (StsException e) {
                throw new StsCallException(e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage(), e);
            }
        }

        @Override
        public void close() {
            sts.close();
        }
    }

    static StsClient client(StsSandbox sandbox, AwsCredentialsProvider credentials) {
        return StsClient.builder().endpointOverride(sandbox.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private static SandboxModel model(String certificatePem) {
        SandboxModel.Builder model = SandboxModel.builder();
        for (String account : List.of("111111111111", "222222222222", "333333333333")) {
            String provider = "arn:aws:iam::" + account + ":saml-provider/TestIdP";
            model.samlProvider(new SandboxModel.SamlProvider(provider, certificatePem));
            String role = account.equals("111111111111") ? "SamlAdmin" : "Deploy";
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/" + role, List.of(provider), false, null, 3600));
        }
        return model.build();
    }

    private static IdpClient idpClient() {
        return IdpClient.builder().url(idp.ssoUrl()).login(IdpClient.Login.FORM)
                .username("alice").password("any-password".toCharArray()).build();
    }

    @Test
    void idpAssertion_assumesRolesInSeveralAccounts_withTheSignatureVerified_andTheCredentialsWork() {
        try (StsSandbox sandbox = sts.start(model(idp.signingCertificatePem()));
             SdkSamlAssumer assumer = new SdkSamlAssumer(sandbox);
             SamlSessionProvider saml = SamlSessionProvider.builder().idp(idpClient()).assumer(assumer).build()) {
            for (String[] target : List.of(new String[] {"222222222222", "Deploy"}, new String[] {"333333333333", "Deploy"},
                    new String[] {"111111111111", "SamlAdmin"})) {
                try (StsClient asRole = client(sandbox, saml.credentialsProvider(target[0], target[1]))) {
                    GetCallerIdentityResponse me = asRole.getCallerIdentity();

                    assertThat(me.account()).isEqualTo(target[0]);
                    assertThat(me.arn()).startsWith("arn:aws:sts::" + target[0] + ":assumed-role/" + target[1] + "/");
                }
            }
            assertThat(saml.credentials("222222222222", "Deploy").accessKeyId()).startsWith("ASIA");
        }
    }

    @Test
    void assertionSignedByAnotherKey_isRefusedBySts_asAssumeRoleFailed() {
        try (StsSandbox sandbox = sts.start(model(SamlIdpServer.unrelatedCertificatePem()));
             SdkSamlAssumer assumer = new SdkSamlAssumer(sandbox);
             SamlSessionProvider saml = SamlSessionProvider.builder().idp(idpClient()).assumer(assumer).build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("222222222222", "Deploy"));

            assertThat(thrown).isInstanceOf(AssumeRoleFailedException.class);
            assertThat(((AssumeRoleFailedException) thrown).code()).isEqualTo("InvalidIdentityToken");
            Saml.assertNoSecretIn(thrown, saml.assertion().encoded(), "any-password");
        }
    }

    @Test
    void roleTheProviderIsNotTrustedFor_isAccessDenied() {
        SandboxModel untrusting = SandboxModel.builder()
                .samlProvider(new SandboxModel.SamlProvider("arn:aws:iam::222222222222:saml-provider/TestIdP",
                        idp.signingCertificatePem()))
                .role(new SandboxModel.Role("arn:aws:iam::222222222222:role/Deploy",
                        List.of("arn:aws:iam::222222222222:root"), false, null, 3600))
                .build();
        try (StsSandbox sandbox = sts.start(untrusting);
             SdkSamlAssumer assumer = new SdkSamlAssumer(sandbox);
             SamlSessionProvider saml = SamlSessionProvider.builder().idp(idpClient()).assumer(assumer).build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("222222222222", "Deploy"));

            assertThat(thrown).isInstanceOf(AssumeRoleFailedException.class);
            assertThat(((AssumeRoleFailedException) thrown).code()).isEqualTo("AccessDenied");
        }
    }
}
