package dev.stsfleet.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsCallException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

class ConsoleFederationTest {
    private static final String KEY = "AKIAFEDERATIONTEST01";
    private static final String SECRET = "federationTestSecretKey/doNotUse+000000001";
    private static final String ROLE = "arn:aws:iam::222222222222:role/Console";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private final TestClock clock = new TestClock();
    private StsSandbox sandbox;
    private ConsoleFederation federation;

    @BeforeEach
    void start() {
        SandboxModel model = SandboxModel.builder()
                .user(new SandboxModel.User("arn:aws:iam::111111111111:user/bob", KEY, SECRET, null, null))
                .role(new SandboxModel.Role(ROLE, List.of("arn:aws:iam::111111111111:root"), false, null, 43200))
                .build();
        sandbox = sts.start(b -> b.model(model).clock(clock));
        federation = ConsoleFederation.builder().endpoint(URI.create(sandbox.endpoint() + "/federation")).build();
    }

    @AfterEach
    void stop() {
        federation.close();
    }

    private TemporaryCredentials role() {
        try (StsClient sts = StsClient.builder().endpointOverride(sandbox.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .build()) {
            Credentials c = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("console")).credentials();
            return TemporaryCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), clock.instant(),
                    c.expiration());
        }
    }

    @Test
    void endpointFor_region_choosesTheSigninHost() {
        assertThat(ConsoleFederation.endpointFor("us-east-1")).hasToString("https://signin.aws.amazon.com/federation");
        assertThat(ConsoleFederation.endpointFor(null)).hasToString("https://signin.aws.amazon.com/federation");
        assertThat(ConsoleFederation.endpointFor("eu-west-1")).hasToString("https://eu-west-1.signin.aws.amazon.com/federation");
        assertThat(ConsoleFederation.builder().region("ap-southeast-2").build().endpoint())
                .hasToString("https://ap-southeast-2.signin.aws.amazon.com/federation");
        assertThatThrownBy(() -> ConsoleFederation.endpointFor("evil.com/x")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void signIn_withRoleCredentials_givesALoginUrl_andItsToStringHidesTheToken() {
        ConsoleFederation.SigninUrl url = federation.signIn(role(), Duration.ofHours(12), false, null, null);

        assertThat(url.uri().getRawQuery()).startsWith("Action=login&Issuer=stsfleet&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=");
        String token = url.uri().getRawQuery().replaceAll(".*SigninToken=", "");
        assertThat(url.toString()).doesNotContain(token).contains("****");
        assertThat(sandbox.stats().ok("getSigninToken")).isEqualTo(1);
    }

    @Test
    void roleChained_overOneHour_isRefusedBeforeAnyCall_sayingWhy() {
        assertThatThrownBy(() -> federation.signIn(role(), Duration.ofMinutes(61), true, null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("role chaining").hasMessageContaining("one hour");
        assertThat(sandbox.stats().total("getSigninToken")).isZero();
        assertThatThrownBy(() -> ConsoleFederation.checkDuration(Duration.ofMinutes(14), false))
                .isInstanceOf(InvalidInputException.class);
        ConsoleFederation.checkDuration(Duration.ofHours(1), true);
    }

    @Test
    void expiredCredentials_areRefused_withAClearMessageWithoutSecrets() {
        TemporaryCredentials c = role();
        clock.advance(Duration.ofHours(13));

        assertThatThrownBy(() -> federation.signIn(c, null, false, null, null))
                .isInstanceOf(StsCallException.class)
                .hasMessageContaining("ExpiredToken").hasMessageContaining("refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(c.secretAccessKey()).doesNotContain(c.sessionToken()));
    }

    @Test
    void invalidCredentials_areRefused_withAClearMessageWithoutSecrets() {
        TemporaryCredentials good = role();
        TemporaryCredentials bad = TemporaryCredentials.of(good.accessKeyId(), good.secretAccessKey() + "x",
                good.sessionToken(), good.start(), good.expiration());

        assertThatThrownBy(() -> federation.signIn(bad, null, false, null, null))
                .isInstanceOf(StsCallException.class)
                .hasMessageContaining("InvalidSession")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad.secretAccessKey()));
    }

    @Test
    void unreachableEndpoint_isAClearError() {
        try (ConsoleFederation nowhere = ConsoleFederation.builder().endpoint(URI.create("http://127.0.0.1:9/federation"))
                .timeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(() -> nowhere.signIn(role(), null, false, null, null))
                    .hasMessageContaining("cannot reach the federation endpoint");
        }
    }
}
