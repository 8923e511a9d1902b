package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.stsfleet.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust rule for state directories, caches and locks, against what another local user could plant.
 * Foreign ownership needs root (chown to 65534, "nobody"); those cases are skipped when not root.
 */
class TrustRuleTest {
    @TempDir
    Path dir;

    private static boolean root() {
        return PosixModes.effectiveUid() == 0;
    }

    private static void chownNobody(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aStateDirectoryOwnedByAnotherUser_isRefused_andNeitherChmoddedNorUsed() throws Exception {
        assumeThat(root()).as("chown needs root").isTrue();
        Path home = Files.createDirectory(dir.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        chownNobody(home);
        assertThatThrownBy(() -> StateDirectory.open(home, Map.of(), "/nonexistent"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("belongs to");
        assertThat(mode(home)).isEqualTo("rwxr-xr-x");
    }

    @Test
    void aForeignCacheFileInOurDirectory_isNotRead() throws Exception {
        assumeThat(root()).as("chown needs root").isTrue();
        StateDirectory state = StateDirectory.open(dir.resolve("home"), Map.of(), "/nonexistent");
        Path cache = state.subdirectory("cache");
        Path forged = Files.writeString(cache.resolve("forged.json"), "{}");
        Files.setPosixFilePermissions(forged, PosixFilePermissions.fromString("rw-------"));
        chownNobody(forged);
        assertThatThrownBy(() -> state.read(forged)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("belongs to");
    }

    @Test
    void aPlantedSymlinkAtTheCacheDirectory_isNotFollowedNorChmodded() throws Exception {
        StateDirectory state = StateDirectory.open(dir.resolve("home"), Map.of(), "/nonexistent");
        Path victim = Files.createDirectory(dir.resolve("victim"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createSymbolicLink(state.root().resolve("cache"), victim);
        assertThatThrownBy(() -> state.subdirectory("cache/credentials"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("symbolic link");
        assertThat(mode(victim)).isEqualTo("rwxr-xr-x");
        assertThat(victim.resolve("credentials")).doesNotExist();
    }

    @Test
    void aPlantedSymlinkAtACacheSubdirectory_isNotFollowed() throws Exception {
        StateDirectory state = StateDirectory.open(dir.resolve("home"), Map.of(), "/nonexistent");
        state.subdirectory("cache");
        Path victim = Files.createDirectory(dir.resolve("victim"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createSymbolicLink(state.root().resolve("cache").resolve("credentials"), victim);
        assertThatThrownBy(() -> state.subdirectory("cache/credentials"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("symbolic link");
        assertThat(mode(victim)).isEqualTo("rwxr-xr-x");
    }

    @Test
    void aPlantedSymlinkAtALockPath_isNotFollowed() throws Exception {
        Path file = dir.resolve("credentials");
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(dir.resolve("credentials.lock"), victim);
        assertThatThrownBy(() -> LockFile.acquire(file, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("credentials.lock");
        assertThatThrownBy(() -> LockFile.preflight(file)).isInstanceOf(InvalidInputException.class);
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(mode(victim)).isEqualTo("rw-r--r--");
    }

    @Test
    void aReadOnlyCredentialsFile_isRefusedByThePreflight_evenForRoot() throws Exception {
        Path file = Files.writeString(dir.resolve("credentials"), "[keep]\naws_access_key_id = AKIAKEEP\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        CredentialsFileEditor editor = CredentialsFileEditor.builder().file(file).build();
        assertThatThrownBy(editor::checkWritable).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("read-only");
        assertThat(mode(file)).isEqualTo("r--------");
    }

    @Test
    void theUsersOwnCredentialsSymlink_staysSupported_withTheTargetsDirectoryChecked() throws Exception {
        Path real = Files.createDirectory(dir.resolve("dotfiles"));
        Path target = Files.writeString(real.resolve("credentials"), "");
        Path link = Files.createSymbolicLink(dir.resolve("credentials"), target);
        CredentialsFileEditor editor = CredentialsFileEditor.builder().file(link).build();
        editor.checkWritable();
        assertThat(real.resolve("credentials.lock")).exists();
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeThat(root()).as("root writes into a 0500 directory; only the mode check applies then").isFalse();
            assertThatThrownBy(editor::checkWritable).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not writable");
        } finally {
            Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void fullDiskReasons_sayNoSpaceLeftOnDevice_notTheExceptionClass() {
        assertThat(PosixModes.reason(new IOException("No space left on device"))).isEqualTo("no space left on device");
        assertThat(PosixModes.reason(new java.nio.file.FileSystemException("/x", null, "No space left on device")))
                .isEqualTo("no space left on device");
        assertThat(PosixModes.reason(new IOException("secret content"))).isEqualTo("IOException");
    }
}
