package dev.stsfleet.provider;

import static dev.stsfleet.provider.ProviderFixtures.ROLE;
import static dev.stsfleet.provider.ProviderFixtures.account;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sts.StsGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@link AccountRunner} over a real {@link CrossAccountSessionProvider} and the sandbox (with latency),
 * wrapped by a provider that counts the calls in flight: the concurrency bound, failures kept per
 * account, request order.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccountRunnerTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private final StsSandbox sandbox = sts.start(b -> b.model(ProviderFixtures.model(30))
            .latency(Duration.ofMillis(30)));
    private final StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).maxConnections(64).build();
    private final CrossAccountSessionProvider cross = CrossAccountSessionProvider.builder().gateway(gateway)
            .base(StaticCredentialsProvider.create(ProviderFixtures.baseKeys())).roleName(ROLE).build();

    @AfterEach
    void stop() {
        cross.close();
        gateway.close();
    }

    /**
     * Counts the calls in flight and remembers the most seen at once. Each call first waits (up to 10 s)
     * until {@code fillTo} calls have arrived, so a bounded pool reaches its bound whatever the machine's
     * speed, and a pool wider than the bound shows it.
     */
    static final class Counting implements RoleSessionProvider {
        final RoleSessionProvider delegate;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final CountDownLatch filled;
        volatile Consumer<String> beforeCall = account -> { };
        volatile Consumer<String> afterCall = account -> { };

        Counting(RoleSessionProvider delegate, int fillTo) {
            this.delegate = delegate;
            this.filled = new CountDownLatch(fillTo);
        }

        @Override
        public RoleCredentials roleCredentials(String accountId, String roleName) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                filled.countDown();
                filled.await(10, TimeUnit.SECONDS);
                beforeCall.accept(accountId);
                return delegate.roleCredentials(accountId, roleName);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } finally {
                inFlight.decrementAndGet();
                afterCall.accept(accountId);
            }
        }

        @Override
        public Optional<String> defaultRoleName() {
            return delegate.defaultRoleName();
        }

        @Override
        public AwsCredentialsProvider credentialsProvider(String accountId) {
            return delegate.credentialsProvider(accountId);
        }

        @Override
        public void close() {
        }
    }

    private static AccountRunner runner(int concurrency) {
        return AccountRunner.builder().concurrency(concurrency).build();
    }

    @Test
    void neverMoreThanConcurrencyCallsInFlight_andTheBoundIsReached() {
        Counting counting = new Counting(cross, 4);
        List<AccountRole> targets = AccountRole.of(ProviderFixtures.accounts(24), ROLE);

        FleetResult result = runner(4).run(counting, targets, (r, done, total) -> { });

        assertThat(counting.most.get()).isEqualTo(4);
        assertThat(result.succeeded()).isEqualTo(24);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(24);
    }

    @Test
    void concurrencyOne_runsOneAtATime() {
        Counting counting = new Counting(cross, 1);

        FleetResult result = runner(1).run(counting, AccountRole.of(ProviderFixtures.accounts(6), ROLE), (r, d, t) -> { });

        assertThat(counting.most.get()).isEqualTo(1);
        assertThat(result.allSucceeded()).isTrue();
    }

    @Test
    void failingAccounts_loseNothingElse_eachNamedWithItsCode_evenWithAThrowingListener() {
        Counting counting = new Counting(cross, 1);
        counting.beforeCall = account -> {
            if (account.equals(account(5))) {
                throw new IllegalStateException("boom");
            }
        };
        List<String> accounts = new ArrayList<>(ProviderFixtures.accounts(10));
        accounts.add(3, ProviderFixtures.UNTRUSTING_ACCOUNT);
        List<AccountRole> targets = AccountRole.of(accounts, ROLE);
        List<Integer> dones = new CopyOnWriteArrayList<>();

        FleetResult result = runner(4).run(counting, targets, (r, done, total) -> {
            dones.add(done);
            throw new IllegalArgumentException("a listener that throws");
        });

        assertThat(result.requested()).isEqualTo(11);
        assertThat(result.succeeded()).isEqualTo(9);
        assertThat(result.failures()).containsOnlyKeys("sts-" + ProviderFixtures.UNTRUSTING_ACCOUNT + "-" + ROLE,
                "sts-" + account(5) + "-" + ROLE);
        ProfileResult.Failed denied = result.failures().get("sts-" + ProviderFixtures.UNTRUSTING_ACCOUNT + "-" + ROLE);
        assertThat(denied.code()).isEqualTo("AccessDenied");
        assertThat(denied.message()).contains("arn:aws:iam::" + ProviderFixtures.UNTRUSTING_ACCOUNT + ":role/" + ROLE)
                .doesNotContain(ProviderFixtures.SECRET);
        ProfileResult.Failed crashed = result.failures().get("sts-" + account(5) + "-" + ROLE);
        assertThat(crashed.code()).isEqualTo("ClientError");
        assertThat(crashed.message()).isEqualTo("IllegalStateException: boom");
        assertThat(dones).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void results_keepTheRequestOrder_whenTheFirstAccountFinishesLast() {
        Counting counting = new Counting(cross, 3);
        List<String> accounts = new ArrayList<>(ProviderFixtures.accounts(12));
        Collections.shuffle(accounts, new java.util.Random(7));
        String first = accounts.get(0);
        CountDownLatch othersDone = new CountDownLatch(accounts.size() - 1);
        counting.beforeCall = account -> {
            if (account.equals(first)) {
                try {
                    othersDone.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        counting.afterCall = account -> {
            if (!account.equals(first)) {
                othersDone.countDown();
            }
        };
        List<AccountRole> targets = AccountRole.of(accounts, ROLE);
        List<String> finished = new CopyOnWriteArrayList<>();

        FleetResult result = runner(3).run(counting, targets, (r, done, total) -> finished.add(r.profile()));

        assertThat(finished.get(finished.size() - 1)).isEqualTo(first + "-" + ROLE);
        assertThat(result.results().keySet()).containsExactlyElementsOf(targets.stream().map(AccountRole::key).toList());
        assertThat(result.credentials().get("sts-" + first + "-" + ROLE).assumedRoleArn())
                .startsWith("arn:aws:sts::" + first + ":assumed-role/" + ROLE + "/");
    }

    @Test
    void emptyOrRepeatedTargets_areInvalidInput_beforeAnyCall() {
        AccountRole one = new AccountRole(account(1), ROLE);

        assertThatThrownBy(() -> runner(2).run(cross, List.of(), (r, d, t) -> { })).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> runner(2).run(cross, List.of(one, one), (r, d, t) -> { }))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AccountRunner.builder().concurrency(0)).isInstanceOf(InvalidInputException.class);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void aRun_leavesNoThreadOfItsOwnBehind() {
        runner(8).run(cross, AccountRole.of(ProviderFixtures.accounts(8), ROLE), (r, d, t) -> { });

        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        assertThat(threads).noneMatch(t -> t.getName().startsWith("stsfleet-accounts-") && t.isAlive());
    }
}
