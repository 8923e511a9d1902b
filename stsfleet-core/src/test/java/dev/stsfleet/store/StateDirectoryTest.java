package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    @TempDir
    Path home;

    @Test
    void manyOpeningTheSameNewSubdirectoryAtOnce_allGetIt_noneFails() throws Exception {
        // As twenty credential_process calls starting together: whoever creates it second must not fail (and go on
        // without the cache). Threads race the same check-then-create as processes do.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 30; round++) {
                StateDirectory state = StateDirectory.open(home.resolve("r" + round));
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.List<java.util.concurrent.Future<Path>> made = new java.util.ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    made.add(pool.submit(() -> {
                        go.await();
                        return state.subdirectory("cache/credentials");
                    }));
                }
                go.countDown();
                for (java.util.concurrent.Future<Path> f : made) {
                    assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS))
                            .isEqualTo(home.resolve("r" + round + "/cache/credentials"));
                }
                assertThat(Modes.of(home.resolve("r" + round + "/cache/credentials"))).isEqualTo("0700");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void default_isDotStsfleetInHome_created0700() {
        StateDirectory state = StateDirectory.open(null, Map.of(), home.toString());

        assertThat(state.root()).isEqualTo(home.resolve(".stsfleet"));
        assertThat(Modes.of(state.root())).isEqualTo("0700");
    }

    @Test
    void envVariable_movesIt_andMissingParentsAreCreatedPrivate() {
        Path custom = home.resolve("x/y/state");
        StateDirectory state = StateDirectory.open(null, Map.of("STSFLEET_HOME", custom.toString()), home.toString());

        assertThat(state.root()).isEqualTo(custom);
        assertThat(Modes.of(custom)).isEqualTo("0700");
        assertThat(Modes.of(home.resolve("x"))).isEqualTo("0700");
    }

    @Test
    void constructorArgument_winsOverEnv_andBlankEnvIsIgnored() {
        Path explicit = home.resolve("explicit");
        assertThat(StateDirectory.open(explicit, Map.of("STSFLEET_HOME", home.resolve("env").toString()),
                home.toString()).root()).isEqualTo(explicit);
        assertThat(StateDirectory.open(null, Map.of("STSFLEET_HOME", "  "), home.toString()).root())
                .isEqualTo(home.resolve(".stsfleet"));
    }

    @Test
    void groupOrWorldAccessibleDirectory_isTightenedTo0700() throws Exception {
        Path root = home.resolve("open");
        Files.createDirectory(root);
        Modes.set(root, "rwxr-xr-x");

        StateDirectory.open(root);

        assertThat(Modes.of(root)).isEqualTo("0700");
    }

    @Test
    void aFileWhereTheDirectoryShouldBe_isRefusedClearly() throws Exception {
        Path root = home.resolve("file");
        Files.writeString(root, "x");

        assertThatThrownBy(() -> StateDirectory.open(root))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("cannot use " + root + " for stsfleet state: not a directory");
    }

    @Test
    void subdirectory_createsEachLevel0700_andTightensExistingOnes() throws Exception {
        StateDirectory state = StateDirectory.open(home.resolve("s"));
        Files.createDirectory(state.root().resolve("cache"));
        Modes.set(state.root().resolve("cache"), "rwxrwxrwx");

        Path sub = state.subdirectory("cache/credentials");

        assertThat(sub).isEqualTo(state.root().resolve("cache/credentials"));
        assertThat(Modes.of(state.root().resolve("cache"))).isEqualTo("0700");
        assertThat(Modes.of(sub)).isEqualTo("0700");
    }

    @Test
    void subdirectory_refusesNamesThatLeaveTheRoot() {
        StateDirectory state = StateDirectory.open(home.resolve("s"));

        for (String bad : new String[] {"..", "a/../..", "", "/abs", "a//b", ".hidden"}) {
            assertThatThrownBy(() -> state.subdirectory(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void write_isAtomic0600_andReadReturnsIt() {
        StateDirectory state = StateDirectory.open(home.resolve("s"));
        Path file = state.subdirectory("c").resolve("entry.json");

        state.write(file, new byte[] {'{', '}'});

        assertThat(Modes.of(file)).isEqualTo("0600");
        assertThat(state.read(file)).hasValueSatisfying(b -> assertThat(b).containsExactly('{', '}'));
        assertThat(state.read(file.resolveSibling("missing.json"))).isEmpty();
    }

    @Test
    void read_refusesAFileOthersCanAccess_namingFileAndMode() throws Exception {
        StateDirectory state = StateDirectory.open(home.resolve("s"));
        Path file = state.root().resolve("f.json");
        Files.writeString(file, "{}");
        Modes.set(file, "rw-r--r--");

        assertThatThrownBy(() -> state.read(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("refusing to read " + file + ": its mode is 0644, expected 0600 (others could read or change it)");

        Modes.set(file, "r--------");
        assertThat(state.read(file)).isPresent();
    }

    @Test
    void filesOutsideTheRoot_areRefused() {
        StateDirectory state = StateDirectory.open(home.resolve("s"));

        assertThatThrownBy(() -> state.read(home.resolve("elsewhere"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> state.write(state.root().resolve("../escape"), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(home.resolve("escape")).doesNotExist();
    }
}
