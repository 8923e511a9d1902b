package dev.stsfleet.provider.saml;

import dev.stsfleet.InvalidInputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.StsCallException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.provider.AssumeRoleFailedException;
import dev.stsfleet.sandbox.junit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SamlSessionProviderTest {
    private static final String PASSWORD = "provider-test-password";
    private static final List<String> ROLES = List.of(
            "arn:aws:iam::222222222222:role/Deploy,arn:aws:iam::222222222222:saml-provider/TestIdP",
            "arn:aws:iam::333333333333:saml-provider/TestIdP,arn:aws:iam::333333333333:role/Deploy",
            "arn:aws:iam::222222222222:role/ReadOnly,arn:aws:iam::222222222222:saml-provider/TestIdP");

    private final TestClock clock = new TestClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final LoopbackServer server = new LoopbackServer();
    private final RecordingAssumer sts = new RecordingAssumer();
    private final List<String> issued = new ArrayList<>();
    private Duration assertionValidity = Duration.ofMinutes(10);
    private Integer sessionDuration = 3600;
    private List<String> roles = ROLES;

    /** The STS side: records each call and answers with credentials valid for the requested duration. */
    final class RecordingAssumer implements SamlAssumer {
        record Call(String roleArn, String principalArn, String assertion, Integer durationSeconds) {
        }

        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        private final AtomicInteger serial = new AtomicInteger();
        volatile Function<Call, RuntimeException> failure = c -> null;

        @Override
        public TemporaryCredentials assume(String roleArn, String principalArn, String base64Assertion, Integer durationSeconds) {
            Call call = new Call(roleArn, principalArn, base64Assertion, durationSeconds);
            calls.add(call);
            RuntimeException e = failure.apply(call);
            if (e != null) {
                throw e;
            }
            Instant now = clock.instant();
            int n = serial.incrementAndGet();
            return TemporaryCredentials.of("ASIATESTKEY" + String.format("%09d", n), "secret-" + n, "token-" + n, now,
                    now.plusSeconds(durationSeconds == null ? 3600 : durationSeconds));
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void serveAssertions() {
        server.on("/sso", (exchange, request) -> {
            synchronized (issued) {
                // Each login yields a different response, as real IdPs' IDs make it.
                String b64 = Saml.base64(Saml.responseXml(roles, clock.instant().plus(assertionValidity), sessionDuration)
                        .replace("ID=\"_a1\"", "ID=\"_a" + (issued.size() + 1) + "\""));
                issued.add(b64);
                LoopbackServer.send(exchange, 200, Saml.postPage(b64));
            }
        });
    }

    private SamlSessionProvider.Builder provider() {
        return SamlSessionProvider.builder()
                .idp(IdpClient.builder().url(server.uri("/sso")).login(IdpClient.Login.BASIC)
                        .username("alice").password(PASSWORD.toCharArray()).build())
                .assumer(sts).roleName("Deploy").clock(clock);
    }

    private long logins() {
        return server.count("/sso");
    }

    @Test
    void credentials_forSeveralAccounts_shareOneLogin_andPickTheMatchingPair() {
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            saml.credentials("222222222222");
            saml.credentials("333333333333");
            saml.credentials("222222222222", "ReadOnly");
        }

        assertThat(logins()).isEqualTo(1);
        assertThat(sts.calls).extracting(RecordingAssumer.Call::roleArn, RecordingAssumer.Call::principalArn).containsExactly(
                org.assertj.core.groups.Tuple.tuple("arn:aws:iam::222222222222:role/Deploy", "arn:aws:iam::222222222222:saml-provider/TestIdP"),
                org.assertj.core.groups.Tuple.tuple("arn:aws:iam::333333333333:role/Deploy", "arn:aws:iam::333333333333:saml-provider/TestIdP"),
                org.assertj.core.groups.Tuple.tuple("arn:aws:iam::222222222222:role/ReadOnly", "arn:aws:iam::222222222222:saml-provider/TestIdP"));
        assertThat(sts.calls).extracting(RecordingAssumer.Call::assertion).containsOnly(issued.get(0));
    }

    @Test
    void assertion_isReusedForFiveMinutes_thenFetchedAgain() {
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            assertThat(saml.roles()).hasSize(3);
            clock.advance(Duration.ofMinutes(5).minusSeconds(1));
            saml.roles();
            assertThat(logins()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(1));
            saml.roles();

            assertThat(logins()).isEqualTo(2);
        }
    }

    @Test
    void assertion_isNeverUsedPastItsNotOnOrAfter() {
        assertionValidity = Duration.ofSeconds(60); // Keycloak's default window
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            saml.roles();
            clock.advance(Duration.ofSeconds(54)); // 6 s left: more than the 5 s margin
            saml.roles();
            assertThat(logins()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(1));
            saml.roles();

            assertThat(logins()).isEqualTo(2);
        }
    }

    @Test
    void credentials_areCachedUntilHalfTheirDuration_thenRenewed() {
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            TemporaryCredentials first = saml.credentials("222222222222");
            clock.advance(Duration.ofMinutes(30).minusSeconds(1));
            assertThat(saml.credentials("222222222222")).isSameAs(first);
            assertThat(sts.calls).hasSize(1);

            clock.advance(Duration.ofSeconds(1));
            TemporaryCredentials renewed = saml.credentials("222222222222");

            assertThat(renewed).isNotEqualTo(first);
            assertThat(renewed.expiration()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
            assertThat(sts.calls).hasSize(2);
            assertThat(logins()).as("the 5-minute assertion had aged out too").isEqualTo(2);
        }
    }

    @Test
    void roleNotInAssertion_isTyped_andListsWhatIsOffered() {
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("444444444444"));

            assertThat(thrown).isInstanceOf(RoleNotInAssertionException.class)
                    .hasMessageContaining("444444444444").hasMessageContaining("arn:aws:iam::333333333333:role/Deploy");
            assertThat(((RoleNotInAssertionException) thrown).offered()).hasSize(3);
            assertThat(sts.calls).isEmpty();
            Saml.assertNoSecretIn(thrown, PASSWORD, issued.get(0));
        }
    }

    @Test
    void assertionWithoutRoleAttribute_isRoleNotInAssertion() {
        roles = List.of();
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            assertThatThrownBy(() -> saml.credentials("222222222222"))
                    .isInstanceOf(RoleNotInAssertionException.class).hasMessageContaining("no AWS role at all");
        }
    }

    @Test
    void concurrentCallers_shareOneIdpLogin() throws Exception {
        int threads = 8;
        roles = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String account = String.valueOf(100000000000L + i);
            roles.add("arn:aws:iam::" + account + ":role/Deploy,arn:aws:iam::" + account + ":saml-provider/TestIdP");
        }
        CountDownLatch loginStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.on("/sso", (exchange, request) -> {
            loginStarted.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LoopbackServer.send(exchange, 200, Saml.postPage(Saml.base64(
                    Saml.responseXml(roles, clock.instant().plus(assertionValidity), null))));
        });
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SamlSessionProvider saml = provider().build()) {
            for (int i = 0; i < threads; i++) {
                String account = String.valueOf(100000000000L + i);
                Thread t = new Thread(() -> {
                    try {
                        saml.credentials(account);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "caller-" + i);
                workers.add(t);
                t.start();
            }
            assertThat(loginStarted.await(10, TimeUnit.SECONDS)).isTrue();
            // Release the IdP only once every caller is parked (behind the one login, or inside it).
            Instant deadline = Instant.now().plusSeconds(10);
            while (!workers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.BLOCKED)
                    && Instant.now().isBefore(deadline)) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (Thread t : workers) {
                t.join(10_000);
            }
        } finally {
            release.countDown();
        }

        assertThat(failures).isEmpty();
        assertThat(logins()).isEqualTo(1);
        assertThat(sts.calls).hasSize(threads);
    }

    @Test
    void deniedLogin_isRemembered_notRetried() {
        server.on("/sso", (exchange, request) -> LoopbackServer.send(exchange, 401, "denied"));
        try (SamlSessionProvider saml = provider().build()) {
            Throwable first = catchThrowable(() -> saml.credentials("222222222222"));
            Throwable second = catchThrowable(() -> saml.credentials("333333333333"));

            assertThat(first).isInstanceOf(IdpAccessDeniedException.class);
            assertThat(second).isInstanceOf(IdpAccessDeniedException.class);
            assertThat(logins()).as("a wrong password is not tried again (account lockout)").isEqualTo(1);
            Saml.assertNoSecretIn(first, PASSWORD);
        }
    }

    @Test
    void failedLogin_thatIsNotADenial_isRetriedByTheNextCall() {
        AtomicInteger hits = new AtomicInteger();
        server.on("/sso", (exchange, request) -> {
            if (hits.incrementAndGet() == 1) {
                LoopbackServer.send(exchange, 503, "busy");
            } else {
                LoopbackServer.send(exchange, 200, Saml.postPage(Saml.base64(
                        Saml.responseXml(roles, clock.instant().plus(assertionValidity), null))));
            }
        });
        try (SamlSessionProvider saml = provider().build()) {
            assertThatThrownBy(() -> saml.credentials("222222222222")).isInstanceOf(IdpInvalidResponseException.class);

            assertThat(saml.credentials("222222222222")).isNotNull();
            assertThat(logins()).isEqualTo(2);
        }
    }

    @Test
    void assertionExpiredAtSts_logsInAgainAndRetriesOnce() {
        serveAssertions();
        sts.failure = c -> c.assertion().equals(issued.get(0))
                ? new StsCallException("ExpiredTokenException", "Token expired", null) : null;
        try (SamlSessionProvider saml = provider().build()) {
            assertThat(saml.credentials("222222222222")).isNotNull();
        }
        assertThat(logins()).isEqualTo(2);
        assertThat(sts.calls).hasSize(2);
    }

    @Test
    void assertionExpiredTwice_isAssumeRoleFailed() {
        serveAssertions();
        sts.failure = c -> new StsCallException("ExpiredTokenException", "Token expired", null);
        try (SamlSessionProvider saml = provider().build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("222222222222"));

            assertThat(thrown).isInstanceOf(AssumeRoleFailedException.class);
            assertThat(((AssumeRoleFailedException) thrown).code()).isEqualTo("ExpiredTokenException");
        }
        assertThat(sts.calls).hasSize(2);
    }

    @Test
    void stsRefusal_isAssumeRoleFailed_withTheAwsCode_andNoAssertion() {
        serveAssertions();
        sts.failure = c -> new StsCallException("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", null);
        try (SamlSessionProvider saml = provider().build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("222222222222"));

            assertThat(thrown).isInstanceOf(AssumeRoleFailedException.class)
                    .hasMessageContaining("arn:aws:iam::222222222222:role/Deploy").hasMessageContaining("Not authorized");
            assertThat(((AssumeRoleFailedException) thrown).code()).isEqualTo("AccessDenied");
            assertThat(((AssumeRoleFailedException) thrown).roleArn()).isEqualTo("arn:aws:iam::222222222222:role/Deploy");
            Saml.assertNoSecretIn(thrown, PASSWORD, issued.get(0));
        }
    }

    @Test
    void unexpectedAssumerFailure_isAssumeRoleFailed_withCodeUnknown() {
        serveAssertions();
        sts.failure = c -> new IllegalStateException("connection reset");
        try (SamlSessionProvider saml = provider().build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("222222222222"));

            assertThat(thrown).isInstanceOf(AssumeRoleFailedException.class).hasMessageContaining("connection reset");
            assertThat(((AssumeRoleFailedException) thrown).code()).isEqualTo("Unknown");
        }
    }

    @Test
    void duration_defaultsToTheAssertionsSessionDuration_unlessConfigured() {
        sessionDuration = 7200;
        serveAssertions();
        try (SamlSessionProvider fromIdp = provider().build()) {
            fromIdp.credentials("222222222222");
        }
        try (SamlSessionProvider configured = provider().duration(Duration.ofMinutes(30)).build()) {
            configured.credentials("222222222222");
        }
        sessionDuration = null;
        try (SamlSessionProvider neither = provider().build()) {
            neither.credentials("222222222222");
        }

        assertThat(sts.calls).extracting(RecordingAssumer.Call::durationSeconds).containsExactly(7200, 1800, null);
    }

    @Test
    void credentialsProvider_givesTheSdkTheCachedCredentials() {
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            AwsSessionCredentials sdk = (AwsSessionCredentials) saml.credentialsProvider("333333333333").resolveCredentials();
            TemporaryCredentials ours = saml.credentials("333333333333");

            assertThat(sdk.accessKeyId()).isEqualTo(ours.accessKeyId());
            assertThat(sdk.sessionToken()).isEqualTo(ours.sessionToken());
            assertThat(sdk.expirationTime()).contains(ours.expiration());
            assertThat(sts.calls).hasSize(1);
            assertThat(saml.credentialsProvider("333333333333").toString()).contains("333333333333", "Deploy");
        }
    }

    @Test
    void badAccountOrRole_isInvalidInput_beforeAnyLogin_andClosedProviderRefuses() {
        serveAssertions();
        SamlSessionProvider saml = provider().build();
        assertThatThrownBy(() -> saml.credentials("12345")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> saml.credentials("222222222222", "bad role")).isInstanceOf(InvalidInputException.class);
        assertThat(logins()).isZero();

        saml.close();

        assertThatThrownBy(() -> saml.credentials("222222222222")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toStrings_showNoPasswordAndNoAssertion() {
        serveAssertions();
        try (SamlSessionProvider saml = provider().build()) {
            SamlAssertion assertion = saml.assertion();
            TemporaryCredentials credentials = saml.credentials("222222222222");

            for (Object o : List.of(saml, assertion, credentials)) {
                assertThat(o.toString()).doesNotContain(PASSWORD).doesNotContain(issued.get(0))
                        .doesNotContain(issued.get(0).substring(0, 24)).doesNotContain(credentials.secretAccessKey())
                        .doesNotContain(credentials.sessionToken());
            }
        }
    }
}
