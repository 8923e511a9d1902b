package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.refresh.RefreshPolicy;
import dev.stsfleet.refresh.RefresherTesting;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sandbox.junit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Background refresh of a fleet against the strict sandbox, on a clock the tests move: the sandbox, the
 * fleet, the refresher and the request signer all read the same clock, so hours pass in a few ticks.
 */
@Timeout(120)
class FleetRefreshTest {
    private static final String USER_ARN = "arn:aws:iam::111111111111:user/alice";
    private static final String ACCESS_KEY = "AKIAREFRESHFLEET0001";
    private static final String SECRET = "refreshFleetSecretKey/doNotUseInAws+0001";
    private static final String MFA = "arn:aws:iam::111111111111:mfa/alice";
    private static final String TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    /** Without jitter: advisory 10 minutes and mandatory 2 minutes before expiry. */
    private static final RefreshPolicy FIXED = (issued, expiry) -> new RefreshPolicy.Times(
            expiry.minus(Duration.ofMinutes(10)), expiry.minus(Duration.ofMinutes(2)));

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now());
    private StsSandbox sandbox;
    private SandboxModel model;
    private StsFleet fleet;
    private final Events events = new Events();

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private List<String> start(int roles, Consumer<StsSandbox.Builder> options) throws Exception {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, ACCESS_KEY, SECRET, MFA, TOTP_SEED));
        StringBuilder config = new StringBuilder("[profile alice]\naws_access_key_id = " + ACCESS_KEY
                + "\naws_secret_access_key = " + SECRET + "\nmfa_serial = " + MFA + "\n\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < roles; i++) {
            String arn = "arn:aws:iam::22222222222" + (i % 10) + ":role/role-" + i;
            model.role(new SandboxModel.Role(arn, List.of("arn:aws:iam::111111111111:root"), true, null, 3600));
            names.add("r" + i);
            config.append("[profile r").append(i).append("]\nrole_arn = ").append(arn)
                    .append("\nsource_profile = alice\nmfa_serial = ").append(MFA).append("\n\n");
        }
        Files.writeString(dir.resolve("config"), config.toString());
        Files.writeString(dir.resolve("credentials"), "");
        this.model = model.build();
        sandbox = sts.start(b -> options.accept(b.model(this.model).clock(clock)));
        return names;
    }

    private StsFleet.Builder fleetBuilder() {
        return StsFleet.builder().configFile(dir.resolve("config")).credentialsFile(dir.resolve("credentials"))
                .endpoint(sandbox.endpoint()).environment(Map.of()).clock(clock)
                .refreshPolicy(FIXED).listener(events);
    }

    /**
     * Lets the scheduler run everything due at the moved clock. The refresh rate limit (50 calls a second)
     * runs on the same clock, so the clock moves on by a second a few times for keys waiting for a permit.
     */
    private void tick() {
        RefresherTesting.tick(fleet.refresher());
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(1));
            RefresherTesting.tick(fleet.refresher());
        }
    }

    @Test
    void fiveHourSession_withHourLongRoles_refreshesInFiveCycles_neverHandsOutASetInsideTheMargin_stopsAtTheEnd()
            throws Exception {
        List<String> names = start(4, b -> { });
        fleet = fleetBuilder().build();
        SessionToken session = fleet.sessionToken(Duration.ofHours(5), sandbox.totp(MFA));
        FleetResult first = fleet.generateCredentials(names);
        assertThat(first.allSucceeded()).isTrue();
        assertThat(fleet.refresher()).as("a 5 h session with 1 h roles starts refresh").isNotNull();

        Map<String, String> firstKeys = new ConcurrentHashMap<>();
        first.credentials().values().forEach(c -> firstKeys.put(c.profile(), c.credentials().accessKeyId()));
        Instant end = session.end();
        while (clock.instant().isBefore(end.plus(Duration.ofMinutes(5)))) {
            clock.advance(Duration.ofMinutes(5).minusSeconds(4)); // tick() moves on 4 s more
            tick();
            Instant now = clock.instant();
            if (now.isBefore(end)) {
                for (String name : names) {
                    AwsSessionCredentials c = (AwsSessionCredentials) fleet.credentialsProvider(name).resolveCredentials();
                    assertThat(Duration.between(now, c.expirationTime().orElseThrow()))
                            .as("%s at %s", name, now).isGreaterThanOrEqualTo(Duration.ofMinutes(2));
                }
                assertThat(fleet.currentCredentials()).hasSize(names.size());
            }
        }
        // Refreshes at 50, 100, 150, 200 and 250 minutes; the one at 300 would start at the end.
        assertThat(events.cycles).containsExactly(1, 2, 3, 4, 5);
        names.forEach(n -> assertThat(events.refreshedCount(n)).as(n).isEqualTo(5));
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(4 + 4 * 5);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(events.lifetimeEnded).containsExactly(end);
        assertThat(events.sessionEnding).hasSize(1);
        assertThat(events.failures).isEmpty();
        assertThat(events.expired).isEmpty();
        assertThat(fleet.refresher().isStopped()).isTrue();
        assertThat(fleet.currentCredentials().get("sts-r0").credentials().accessKeyId())
                .isNotEqualTo(firstKeys.get("r0"));
        assertThat(sandbox.stats().errors("AssumeRole")).doesNotContainKey("ExpiredToken");
    }

    @Test
    void oneHourSession_startsNoRefresh() throws Exception {
        List<String> names = start(2, b -> { });
        fleet = fleetBuilder().build();
        fleet.sessionToken(Duration.ofHours(1), sandbox.totp(MFA));
        assertThat(fleet.generateCredentials(names).allSucceeded()).isTrue();
        assertThat(fleet.refresher()).isNull();
        assertThat(liveThreads("stsfleet-refresh-")).isEmpty();
    }

    @Test
    void close_inTheMiddleOfACycle_returnsAndLeavesNoFleetThread() throws Exception {
        List<String> names = start(6, b -> b.latency(Duration.ofSeconds(3)));
        fleet = fleetBuilder().concurrency(8).build();
        fleet.sessionToken(Duration.ofHours(5), sandbox.totp(MFA));
        assertThat(fleet.generateCredentials(names).allSucceeded()).isTrue();
        Instant due = fleet.refresher().currentAll().values().iterator().next().advisoryRefresh();
        clock.set(due);
        RefresherTesting.wakeUp(fleet.refresher());
        // Wait (bounded) until refresh workers run: the sandbox holds each call for 3 s.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (liveThreads("stsfleet-refresh-").size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(liveThreads("stsfleet-")).isNotEmpty();

        fleet.close();

        assertThat(liveThreads("stsfleet-")).as("threads of ours after close").isEmpty();
        assertThat(fleet.refresher().isStopped()).isTrue();
    }

    @Test
    void roleThatTurnsAccessDenied_failsFastWithAnEvent_othersKeepRefreshing() throws Exception {
        List<String> names = start(3, b -> { });
        fleet = fleetBuilder().build();
        fleet.sessionToken(Duration.ofHours(3), sandbox.totp(MFA));
        assertThat(fleet.generateCredentials(names).allSucceeded()).isTrue();
        sandbox.revokeTrust("arn:aws:iam::222222222221:role/role-1");

        clock.advance(Duration.ofMinutes(50));
        tick();
        clock.advance(Duration.ofMinutes(5));
        tick();

        assertThat(events.failures).containsExactly("r1:AccessDenied:final");
        assertThat(sandbox.stats().errors("AssumeRole")).containsEntry("AccessDenied", 1L);
        assertThat(events.refreshedCount("r0")).isEqualTo(1);
        assertThat(events.refreshedCount("r2")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(6)); // r1's set expired at 60 minutes
        tick();
        assertThat(events.expired).containsExactly("r1");
        assertThatThrownBy(() -> fleet.credentialsProvider("r1").resolveCredentials())
                .isInstanceOf(StsFleetException.class).hasMessageContaining("expired");
        assertThat(fleet.credentialsProvider("r0").resolveCredentials()).isNotNull();
    }

    @Test
    void expiredSession_failsFastWithExpiredToken_andRenewSession_extendsWithoutDroppingRoles() throws Exception {
        List<String> names = start(2, b -> { });
        fleet = fleetBuilder().sessionEndingNotice(Duration.ofMinutes(30)).build();
        SessionToken first = fleet.sessionToken(Duration.ofHours(2), sandbox.totp(MFA));
        assertThat(fleet.generateCredentials(names).allSucceeded()).isTrue();

        while (clock.instant().isBefore(first.end().minus(Duration.ofMinutes(30)))) {
            clock.advance(Duration.ofMinutes(10));
            tick();
        }
        assertThat(events.sessionEnding).hasSize(1);

        SessionToken renewed = fleet.renewSession(sandbox.totp(MFA, clock.instant().plusSeconds(30)));
        assertThat(renewed.end()).isAfter(first.end());
        assertThat(fleet.refresher().end()).contains(renewed.end());
        while (clock.instant().isBefore(first.end().plus(Duration.ofMinutes(30)))) {
            clock.advance(Duration.ofMinutes(10));
            tick();
        }
        assertThat(fleet.refresher().isStopped()).isFalse();
        assertThat(events.expired).isEmpty();
        assertThat(fleet.currentCredentials()).hasSize(2);
        for (String name : names) {
            assertThat(fleet.credentialsProvider(name).resolveCredentials()).isNotNull();
        }
        assertThat(events.failures).isEmpty();
    }

    @Test
    void sandboxRestarted_sessionLost_invalidClientTokenId_stopsRetryingAtOnce_andServesUntilExpiry() throws Exception {
        List<String> names = start(1, b -> { });
        fleet = fleetBuilder().build();
        fleet.sessionToken(Duration.ofHours(3), sandbox.totp(MFA));
        assertThat(fleet.generateCredentials(names).allSucceeded()).isTrue();
        sandbox = sts.restart(sandbox); // same port and options; STS forgets the session, as after a restart

        clock.advance(Duration.ofMinutes(50));
        tick();
        clock.advance(Duration.ofMinutes(5));
        tick();

        assertThat(events.failures).containsExactly("r0:InvalidClientTokenId:final");
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
        assertThat(fleet.credentialsProvider("r0").resolveCredentials()).as("still valid: still served").isNotNull();
    }

    @Test
    void refreshAfterTheSessionEnded_makesNoCall_andIsRetriedWhileTheOldSetLasts() throws Exception {
        List<String> names = start(1, b -> { });
        fleet = fleetBuilder().build();
        // The session's end is the refresher's end, so an expired session cannot happen while it runs;
        // adopting a shorter session by hand makes it so, as a clock jump or a revoked session would.
        fleet.sessionToken(Duration.ofHours(3), sandbox.totp(MFA));
        assertThat(fleet.generateCredentials(names).allSucceeded()).isTrue();
        fleet.sessionToken(Duration.ofMinutes(15), sandbox.totp(MFA, clock.instant().plusSeconds(30)));
        clock.advance(Duration.ofMinutes(50));
        tick();
        // No call with an ended session; retried while the old set lasts, so a session stored meanwhile (by
        // session-token in another terminal) is adopted.
        assertThat(events.failures).isNotEmpty().allMatch("r0:SessionEnded:retry"::equals);
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(1);
    }

    @Test
    void throwingListener_neverStopsRefresh() throws Exception {
        List<String> names = start(2, b -> { });
        AtomicInteger calls = new AtomicInteger();
        fleet = fleetBuilder().listener(new FleetListener() {
            @Override
            public void onRefreshed(RoleCredentials credentials) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }
        }).build();
        fleet.sessionToken(Duration.ofHours(3), sandbox.totp(MFA));
        fleet.generateCredentials(names);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(50));
            tick();
        }
        assertThat(calls.get()).isEqualTo(2 * 3);
        assertThat(fleet.currentCredentials().get("sts-r0").credentials().expiration()).isAfter(clock.instant());
    }

    static List<Thread> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).toList();
    }

    /** Records the fleet's events. */
    static final class Events implements FleetListener {
        final Map<String, AtomicInteger> refreshed = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<String> expired = new CopyOnWriteArrayList<>();
        final List<Integer> cycles = new CopyOnWriteArrayList<>();
        final List<Instant> sessionEnding = new CopyOnWriteArrayList<>();
        final List<Instant> lifetimeEnded = new CopyOnWriteArrayList<>();

        int refreshedCount(String profile) {
            AtomicInteger n = refreshed.get(profile);
            return n == null ? 0 : n.get();
        }

        @Override
        public void onRefreshed(RoleCredentials credentials) {
            refreshed.computeIfAbsent(credentials.profile(), p -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void onRefreshFailed(String profile, StsCallException failure, int attempt, Optional<Instant> next) {
            failures.add(profile + ":" + failure.code() + ":" + (next.isPresent() ? "retry" : "final"));
        }

        @Override
        public void onExpired(String profile, RoleCredentials last) {
            expired.add(profile);
        }

        @Override
        public void onCycle(int cycle, int expected, int refreshedCount, Duration left) {
            cycles.add(cycle);
        }

        @Override
        public void onSessionEnding(Instant end, Duration left) {
            sessionEnding.add(end);
        }

        @Override
        public void onLifetimeEnded(Instant end) {
            lifetimeEnded.add(end);
        }
    }
}
