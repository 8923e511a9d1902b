package dev.stsfleet.provider;

import static dev.stsfleet.provider.ProviderFixtures.EXTERNAL_ID;
import static dev.stsfleet.provider.ProviderFixtures.KEY;
import static dev.stsfleet.provider.ProviderFixtures.ROLE;
import static dev.stsfleet.provider.ProviderFixtures.SECRET;
import static dev.stsfleet.provider.ProviderFixtures.account;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.SessionToken;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.sts.StsGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@link CrossAccountSessionProvider} against the strict sandbox: the half-life cache on a moved clock,
 * the one-hour clamp for a temporary base, session names, the external id, single flight, secrets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossAccountSessionProviderTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    // Starts at real time (whole seconds, as STS's Expiration): the SDK signs with real time, and the
    // sandbox accepts requests dated within 15 minutes of its clock, so the tests move it by less than that.
    private final TestClock clock = new TestClock();
    private final StsSandbox sandbox = sts.start(b -> b.model(ProviderFixtures.model(20)).clock(clock));
    private final StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).clock(clock).maxAttempts(1).build();

    @AfterEach
    void stop() {
        gateway.close();
    }

    private CrossAccountSessionProvider.Builder provider() {
        return CrossAccountSessionProvider.builder().gateway(gateway)
                .base(StaticCredentialsProvider.create(ProviderFixtures.baseKeys())).roleName(ROLE).clock(clock);
    }

    @Test
    void secondCallWithinHalfTheDuration_makesNoStsCall_afterHalfItAssumesAgain() {
        try (CrossAccountSessionProvider cross = provider().duration(Duration.ofMinutes(15)).build()) {
            RoleCredentials first = cross.roleCredentials(account(1));
            clock.advance(Duration.ofMinutes(7).plusSeconds(29));
            RoleCredentials withinHalf = cross.roleCredentials(account(1));

            assertThat(withinHalf).isSameAs(first);
            assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);

            clock.advance(Duration.ofSeconds(1)); // exactly half of 15 minutes has passed
            RoleCredentials renewed = cross.roleCredentials(account(1));

            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2);
            assertThat(renewed.credentials().accessKeyId()).isNotEqualTo(first.credentials().accessKeyId());
            assertThat(renewed.credentials().expiration()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        }
    }

    @Test
    void cacheIsPerAccountAndRole_anotherAccountOrRoleIsItsOwnCall() {
        try (CrossAccountSessionProvider cross = provider().build()) {
            cross.roleCredentials(account(1));
            cross.roleCredentials(account(2));
            cross.roleCredentials(account(1));
            cross.roleCredentials(account(2), ROLE);

            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2);
        }
    }

    @Test
    void longTermBase_getsTheRequestedDuration() {
        try (CrossAccountSessionProvider cross = provider().duration(Duration.ofHours(2)).build()) {
            RoleCredentials c = cross.roleCredentials(account(3));

            assertThat(Duration.between(clock.instant(), c.credentials().expiration())).isEqualTo(Duration.ofHours(2));
        }
    }

    @Test
    void temporaryBase_clampsTheDurationToOneHour_whichTheStrictSandboxWouldOtherwiseRefuse() {
        SessionToken session = gateway.getSessionToken(ProviderFixtures.baseKeys(), "base", Duration.ofHours(4), null, null);
        try (CrossAccountSessionProvider cross = CrossAccountSessionProvider.builder().gateway(gateway)
                .base(StaticCredentialsProvider.create(session.credentials().toSdkCredentials()))
                .roleName(ROLE).duration(Duration.ofHours(2)).clock(clock).build()) {
            RoleCredentials c = cross.roleCredentials(account(3));

            assertThat(Duration.between(clock.instant(), c.credentials().expiration())).isEqualTo(Duration.ofHours(1));
            assertThat(sandbox.stats().errors("AssumeRole")).isEmpty();
        }
    }

    @Test
    void everyAssumeRole_hasAUniqueValidSessionName() {
        List<String> sessions = new ArrayList<>();
        try (CrossAccountSessionProvider cross = provider().duration(Duration.ofMinutes(15)).build()) {
            for (String account : ProviderFixtures.accounts(20)) {
                sessions.add(sessionOf(cross.roleCredentials(account)));
            }
            clock.advance(Duration.ofMinutes(8)); // past half: a new session for the same account
            sessions.add(sessionOf(cross.roleCredentials(account(0))));
        }
        for (int i = 0; i < 4; i++) { // other providers for the same account and role: new sessions again
            try (CrossAccountSessionProvider other = provider().build()) {
                sessions.add(sessionOf(other.roleCredentials(account(0))));
            }
        }
        assertThat(sessions).hasSize(25).doesNotHaveDuplicates()
                .allSatisfy(s -> assertThat(s).matches("stsfleet-[0-9a-f]{16}"));
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(25);
    }

    @Test
    void longestPrefix_givesA64CharacterSessionName_thatStsAccepts_andALongerPrefixIsRefused() {
        String prefix = "p".repeat(47);
        try (CrossAccountSessionProvider cross = provider().sessionNamePrefix(prefix).build()) {
            String session = sessionOf(cross.roleCredentials(account(4)));

            assertThat(session).hasSize(64).startsWith(prefix + "-");
        }
        assertThatThrownBy(() -> provider().sessionNamePrefix(prefix + "p")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> provider().sessionNamePrefix("has space")).isInstanceOf(InvalidInputException.class);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            names.add(CrossAccountSessionProvider.sessionName("x"));
        }
        assertThat(names).hasSize(10_000);
    }

    @Test
    void externalId_isSent_andAWrongOneIsAccessDenied_withoutTheIdInTheMessage() {
        try (CrossAccountSessionProvider right = provider().externalId(EXTERNAL_ID).build();
             CrossAccountSessionProvider wrong = provider().externalId("ext-wrong-000").build()) {
            assertThat(right.roleCredentials(account(0), "Guarded").roleArn())
                    .isEqualTo("arn:aws:iam::" + account(0) + ":role/Guarded");
            Throwable thrown = catchThrowable(() -> wrong.roleCredentials(account(0), "Guarded"));

            assertThat(thrown).isInstanceOfSatisfying(AssumeRoleFailedException.class, e -> {
                assertThat(e.code()).isEqualTo("AccessDenied");
                assertThat(e.roleArn()).isEqualTo("arn:aws:iam::" + account(0) + ":role/Guarded");
                assertThat(e.getMessage()).contains("from the base credentials")
                        .doesNotContain("ext-wrong-000").doesNotContain(SECRET);
            });
        }
    }

    @Test
    void untrustedRole_failsWithAccessDenied_andTheFailureIsNotCached() {
        try (CrossAccountSessionProvider cross = provider().build()) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> cross.roleCredentials(ProviderFixtures.UNTRUSTING_ACCOUNT))
                        .isInstanceOfSatisfying(AssumeRoleFailedException.class,
                                e -> assertThat(e.code()).isEqualTo("AccessDenied"));
            }
            assertThat(sandbox.stats().errors("AssumeRole")).containsEntry("AccessDenied", 2L);
        }
    }

    @Test
    void concurrentCallers_forOneAccount_shareOneAssumeRole() throws Exception {
        try (StsSandbox slow = sts.start(b -> b.model(ProviderFixtures.model(2)).latency(Duration.ofMillis(200)));
             StsGateway slowGateway = StsGateway.builder().endpoint(slow.endpoint()).build();
             CrossAccountSessionProvider cross = CrossAccountSessionProvider.builder().gateway(slowGateway)
                     .base(StaticCredentialsProvider.create(ProviderFixtures.baseKeys())).roleName(ROLE).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<RoleCredentials>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(pool.submit(() -> {
                        go.await();
                        return cross.roleCredentials(account(1));
                    }));
                }
                go.countDown();
                Set<String> keys = new HashSet<>();
                for (Future<RoleCredentials> f : calls) {
                    keys.add(f.get(30, TimeUnit.SECONDS).credentials().accessKeyId());
                }

                assertThat(keys).hasSize(1);
                assertThat(slow.stats().total("AssumeRole")).isEqualTo(1);
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void toString_ofTheProviderItsSdkProviderAndCredentials_showsNoSecret() {
        try (CrossAccountSessionProvider cross = provider().externalId(EXTERNAL_ID).build()) {
            RoleCredentials c = cross.roleCredentials(account(0), "Guarded");
            AwsSessionCredentials sdk = (AwsSessionCredentials) cross.credentialsProvider(account(1)).resolveCredentials();

            List<String> secrets = List.of(SECRET, EXTERNAL_ID, c.credentials().secretAccessKey(),
                    c.credentials().sessionToken(), sdk.secretAccessKey(), sdk.sessionToken());
            for (String shown : List.of(cross.toString(), c.toString(), cross.credentialsProvider(account(1)).toString())) {
                for (String secret : secrets) {
                    assertThat(shown).doesNotContain(secret);
                }
            }
            assertThat(cross.toString()).contains("externalId=set").doesNotContain(KEY);
            assertThat(cross.credentialsProvider(account(1)).toString())
                    .contains("arn:aws:iam::" + account(1) + ":role/" + ROLE);
        }
    }

    @Test
    void badAccountIds_areInvalidInput_beforeAnyCall_andAClosedProviderRefuses() {
        CrossAccountSessionProvider cross = provider().build();
        assertThatThrownBy(() -> cross.roleCredentials("12345")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> cross.credentialsProvider("abcdefghijkl")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> cross.roleCredentials(account(1), "bad role")).isInstanceOf(InvalidInputException.class);
        cross.close();
        assertThatThrownBy(() -> cross.roleCredentials(account(1))).isInstanceOf(IllegalStateException.class);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    private static String sessionOf(RoleCredentials c) {
        String arn = c.assumedRoleArn();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
