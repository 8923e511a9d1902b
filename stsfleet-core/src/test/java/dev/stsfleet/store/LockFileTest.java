package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // locks held for a block without being used inside
class LockFileTest {
    @TempDir
    Path dir;

    @Test
    void acquire_createsA0600SidecarLockFile_andReleaseIsIdempotent() {
        Path file = dir.resolve("sub/credentials");
        LockFile lock = LockFile.acquire(file, Duration.ofSeconds(5));

        assertThat(lock.lockPath()).isEqualTo(dir.resolve("sub/credentials.lock"));
        assertThat(Modes.of(lock.lockPath())).isEqualTo("0600");
        assertThat(Modes.of(dir.resolve("sub"))).isEqualTo("0700");
        assertThat(file).doesNotExist();
        lock.close();
        lock.close();
        try (LockFile again = LockFile.acquire(file, Duration.ofSeconds(5))) {
            assertThat(again.file()).isEqualTo(file);
        }
    }

    @Test
    void sameThreadAskingAgain_isAnErrorNotADeadlock() {
        Path file = dir.resolve("f");
        try (LockFile lock = LockFile.acquire(file, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> LockFile.acquire(file, Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void anotherThread_timesOutWithAnErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("credentials");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (LockFile lock = LockFile.acquire(file, Duration.ofSeconds(5))) {
            Future<?> attempt = other.submit(() -> LockFile.acquire(file, Duration.ofMillis(50)));
            assertThatThrownBy(attempt::get)
                    .hasCauseInstanceOf(LockTimeoutException.class)
                    .cause()
                    .hasMessage("timed out after 50ms waiting for the lock on " + file
                            + " (another thread of this process holds it; lock file " + file + ".lock)");
        } finally {
            other.shutdownNow();
            assertThat(other.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void lockReleasedOnAnotherThread_letsTheNextWaiterIn() throws Exception {
        Path file = dir.resolve("f");
        LockFile lock = LockFile.acquire(file, Duration.ofSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<Boolean> waiter = pool.submit(() -> {
                started.countDown();
                try (LockFile mine = LockFile.acquire(file, Duration.ofSeconds(60))) {
                    return true;
                }
            });
            started.await();
            pool.submit(lock::close).get();
            assertThat(waiter.get(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void eightThreads_readModifyWriteUnderTheLock_loseNoUpdate() throws Exception {
        Path counter = dir.resolve("counter");
        Files.writeString(counter, "0");
        int threads = 8;
        int rounds = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        try (LockFile lock = LockFile.acquire(counter, Duration.ofSeconds(60))) {
                            int n = Integer.parseInt(Files.readString(counter));
                            Thread.yield();
                            AtomicFiles.write(counter, Integer.toString(n + 1));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(counter)).isEqualTo(Integer.toString(threads * rounds));
    }

    @Test
    void lockHeldByAnotherProcess_timesOutNamingTheFile_thenIsFreeAfterItReleases() throws Exception {
        Path file = dir.resolve("credentials");
        try (ChildJvm child = ChildJvm.start("hold-lock", file.toString())) {
            child.expect("locked");

            assertThatThrownBy(() -> LockFile.acquire(file, Duration.ofMillis(200)))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("waiting for the lock on " + file)
                    .hasMessageContaining("another process holds it")
                    .satisfies(e -> assertThat(((LockTimeoutException) e).file()).isEqualTo(file));

            child.send("release");
            child.expect("done");
            child.awaitSuccess();
        }
        try (LockFile lock = LockFile.acquire(file, Duration.ofSeconds(30))) {
            assertThat(lock.lockPath()).exists();
        }
    }
}
