package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.format.Fixtures;
import dev.stsfleet.sandbox.junit.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialCacheTest {
    static {
        LogCapture.enableDebug();
    }

    private static final Instant EXPIRY = Instant.parse("2026-11-21T18:00:00Z");
    private static final CredentialCache.Key KEY =
            new CredentialCache.Key("prod", "arn:aws:iam::111111111111:role/Admin", "default", "ext-1");

    @TempDir
    Path home;

    private StateDirectory state;
    private TestClock clock;
    private CredentialCache cache;

    @BeforeEach
    void setUp() {
        state = StateDirectory.open(home.resolve("state"));
        clock = new TestClock(EXPIRY.minus(Duration.ofMinutes(50)));
        cache = CredentialCache.builder().stateDirectory(state).clock(clock).build();
    }

    @Test
    void clear_deletesTheNamedProfilesEntries_liveOrExpired_andNoOther() {
        CredentialCache.Key prodEu = new CredentialCache.Key("prod-eu", "arn:aws:iam::111111111111:role/Admin", "d", null);
        CredentialCache.Key spaced = new CredentialCache.Key("ops team", "arn:aws:iam::222222222222:role/Ops", "d", null);
        CredentialCache.Key other = new CredentialCache.Key("prod", "arn:aws:iam::333333333333:role/Admin", "x", null);
        for (CredentialCache.Key k : List.of(KEY, prodEu, spaced, other)) {
            cache.put(k, Fixtures.credentials());
        }

        assertThat(cache.clear(List.of("prod"))).isEqualTo(2); // both of prod's entries, not prod-eu's
        assertThat(cache.entries()).extracting(CredentialCache.Stored::profile).containsExactlyInAnyOrder("prod-eu",
                "ops_team");
        assertThat(cache.clear(List.of("ops team", "nosuch"))).isEqualTo(1);
        clock.advance(Duration.ofHours(2)); // expired entries go too
        assertThat(cache.clear(null)).isEqualTo(1);
        assertThat(cache.entries()).isEmpty();
    }

    @Test
    void put_thenGet_returnsThem_fromA0600FileInA0700Directory() {
        cache.put(KEY, Fixtures.credentials());

        assertThat(cache.get(KEY)).contains(Fixtures.credentials());
        Path file = cache.fileOf(KEY);
        assertThat(file.getParent()).isEqualTo(state.root().resolve("cache/credentials"));
        assertThat(Modes.of(file)).isEqualTo("0600");
        assertThat(Modes.of(file.getParent())).isEqualTo("0700");
        assertThat(Modes.of(state.root().resolve("cache"))).isEqualTo("0700");
        assertThat(Modes.of(state.root())).isEqualTo("0700");
    }

    @Test
    void get_servesOnlyWhileMoreThanTheMarginRemains() {
        cache.put(KEY, Fixtures.credentials());

        clock.set(EXPIRY.minus(Duration.ofMinutes(15)).minusSeconds(1));
        assertThat(cache.get(KEY)).isPresent();
        clock.set(EXPIRY.minus(Duration.ofMinutes(15)));
        assertThat(cache.get(KEY)).isEmpty();
        clock.set(EXPIRY.plusSeconds(1));
        assertThat(cache.get(KEY)).isEmpty();
    }

    @Test
    void margin_isConfigurable() {
        CredentialCache tight = CredentialCache.builder().stateDirectory(state).clock(clock)
                .margin(Duration.ofMinutes(2)).build();
        tight.put(KEY, Fixtures.credentials());

        clock.set(EXPIRY.minus(Duration.ofMinutes(5)));
        assertThat(tight.get(KEY)).isPresent();
        assertThat(cache.get(KEY)).isEmpty();
    }

    @Test
    void aChangedRoleSourceOrExternalId_missesTheOldEntry() {
        cache.put(KEY, Fixtures.credentials());

        assertThat(cache.get(new CredentialCache.Key("prod", "arn:aws:iam::111111111111:role/Other", "default", "ext-1"))).isEmpty();
        assertThat(cache.get(new CredentialCache.Key("prod", KEY.roleArn(), "other-source", "ext-1"))).isEmpty();
        assertThat(cache.get(new CredentialCache.Key("prod", KEY.roleArn(), "default", null))).isEmpty();
        assertThat(cache.get(new CredentialCache.Key("prod", KEY.roleArn(), "default", "ext-1"))).isPresent();
    }

    @Test
    void fileNames_areSafe_andDistinctForNamesThatSanitiseAlike() {
        String a = new CredentialCache.Key("../../etc/passwd", "arn", null, null).fileName();
        String b = new CredentialCache.Key("a/b", "arn", null, null).fileName();
        String c = new CredentialCache.Key("a_b", "arn", null, null).fileName();
        String d = new CredentialCache.Key("x\n y\u0000z" + "q".repeat(300), "arn", null, null).fileName();

        for (String name : List.of(a, b, c, d)) {
            assertThat(name).matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,120}");
        }
        assertThat(a).startsWith("_.._.._etc_passwd-");
        assertThat(b).isNotEqualTo(c);
        cache.put(new CredentialCache.Key("../../etc/passwd", "arn", null, null), Fixtures.credentials());
        assertThat(state.root().resolve("cache/credentials").resolve(a + ".json")).exists();
    }

    @Test
    void corruptEntries_areIgnored_loggedWithoutContent_andReplaced() throws Exception {
        Path file = cache.fileOf(KEY);
        List<String> corrupt = List.of(
                "SECRETCONTENT not json at all",
                "{\"version\": 1, \"accessKeyId\": \"SECRETCONTENT\"}",
                "{\"version\": 99, \"accessKeyId\": \"SECRETCONTENT\"}",
                "{\"version\": 1, \"accessKeyId\": \"SECRETCONTENT\", \"secretAccessKey\": \"s\", \"sessionToken\": \"t\","
                        + " \"start\": \"yesterday\", \"expiration\": \"2026-11-21T18:00:00Z\"}",
                "{\"version\": 1, \"accessKeyId\": \"SECRETCON");
        for (String content : corrupt) {
            state.write(file, content.getBytes(StandardCharsets.UTF_8));

            String log = LogCapture.during(() -> assertThat(cache.get(KEY)).isEmpty());

            assertThat(log).contains(file.toString()).doesNotContain("SECRETCON");
            TemporaryCredentials loaded = cache.getOrLoad(KEY, Fixtures::credentials);
            assertThat(loaded).isEqualTo(Fixtures.credentials());
            assertThat(cache.get(KEY)).contains(Fixtures.credentials());
        }
    }

    @Test
    void anEntryOthersCouldHaveWritten_isIgnored_andReplacedWithA0600File() throws Exception {
        cache.put(KEY, Fixtures.credentials());
        Path file = cache.fileOf(KEY);
        Modes.set(file, "rw-rw-rw-");

        String log = LogCapture.during(() -> assertThat(cache.get(KEY)).isEmpty());
        assertThat(log).contains("0666").doesNotContain(Fixtures.SECRET);

        cache.put(KEY, Fixtures.credentials());
        assertThat(Modes.of(file)).isEqualTo("0600");
        assertThat(cache.get(KEY)).isPresent();
    }

    @Test
    void getOrLoad_loadsOnce_thenServesFromTheCache_untilTheMargin() {
        AtomicInteger loads = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            cache.getOrLoad(KEY, () -> {
                loads.incrementAndGet();
                return Fixtures.credentials();
            });
        }
        assertThat(loads).hasValue(1);

        clock.set(EXPIRY.minus(Duration.ofMinutes(10)));
        TemporaryCredentials fresh = Fixtures.credentials("2", EXPIRY.plus(Duration.ofHours(1)));
        assertThat(cache.getOrLoad(KEY, () -> {
            loads.incrementAndGet();
            return fresh;
        })).isEqualTo(fresh);
        assertThat(loads).hasValue(2);
        assertThat(cache.get(KEY)).contains(fresh);
    }

    @Test
    void getOrLoad_whenTheLoaderFails_storesNothing_andPassesTheErrorOn() {
        assertThatThrownBy(() -> cache.getOrLoad(KEY, () -> {
            throw new IllegalStateException("AccessDenied");
        })).isInstanceOf(IllegalStateException.class).hasMessage("AccessDenied");

        assertThat(cache.fileOf(KEY)).doesNotExist();
    }

    @Test
    void invalidate_forgetsTheEntry() {
        cache.put(KEY, Fixtures.credentials());
        cache.invalidate(KEY);

        assertThat(cache.get(KEY)).isEmpty();
        assertThat(cache.fileOf(KEY)).doesNotExist();
    }

    @Test
    void twentyThreadsAtOnce_makeOneLoad() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TemporaryCredentials>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.getOrLoad(KEY, () -> {
                        loads.incrementAndGet();
                        return Fixtures.credentials();
                    });
                }));
            }
            go.countDown();
            for (Future<TemporaryCredentials> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(Fixtures.credentials());
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void threadsAndTwoOtherProcessesAtOnce_makeOneLoadInAll() throws Exception {
        CredentialCache realTime = CredentialCache.builder().stateDirectory(state).clock(Clock.systemUTC()).build();
        CredentialCache.Key key = new CredentialCache.Key("prod", "arn:aws:iam::111111111111:role/R", "default", null);
        Path calls = home.resolve("calls.log");
        List<ChildJvm> children = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int p = 0; p < 2; p++) {
                children.add(ChildJvm.start("cache-load", state.root().toString(), calls.toString()));
            }
            for (ChildJvm child : children) {
                child.expect("ready");
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(pool.submit(() -> {
                    go.await();
                    return realTime.getOrLoad(key, () -> StoreChildMain.load(calls, "parent"));
                }));
            }
            for (ChildJvm child : children) {
                child.send("go");
            }
            go.countDown();
            for (Future<?> f : threads) {
                f.get(120, TimeUnit.SECONDS);
            }
            for (ChildJvm child : children) {
                child.expect("done");
                child.awaitSuccess();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            children.forEach(ChildJvm::close);
        }
        assertThat(Files.readAllLines(calls)).hasSize(1);
        assertThat(realTime.get(key)).isPresent();
    }

    @Test
    void toStrings_holdNoSecret() {
        cache.put(KEY, Fixtures.credentials());

        assertThat(cache.toString() + KEY).doesNotContain(Fixtures.SECRET, Fixtures.TOKEN, Fixtures.ACCESS_KEY_ID);
    }
}
