package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.stsfleet.RoleCredentials;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.store.CredentialsFileEditor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** keep-fresh against a read-only credentials file and a disk that fills up (a real 64 KB tmpfs). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FullDiskAndReadOnlyTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    @Test
    void keepFresh_refusesAReadOnlyCredentialsFile_likeWrite_beforeTheMfaPrompt() throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 2, true);
        Files.setPosixFilePermissions(fleet.credentials(), PosixFilePermissions.fromString("r--------"));
        try (StsSandbox sandbox = sts.start(fleet.model())) {
            for (String command : List.of("write", "keep-fresh")) {
                Cli.Result r = command.equals("write")
                        ? Cli.run(fleet.env(sandbox.endpoint().toString()), "write", "ops0")
                        : Cli.run(fleet.env(sandbox.endpoint().toString()), "keep-fresh", "ops0", "--lifetime", "2h");
                assertThat(r.exit()).as(command + ": " + r).isEqualTo(2);
                assertThat(r.err()).as(command).contains("read-only").doesNotContain("MFA code");
            }
            for (String action : List.of("GetSessionToken", "AssumeRole")) {
                assertThat(sandbox.stats().total(action)).as(action).isZero();
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.credentials())))
                .isEqualTo("r--------");
    }

    @Test
    void aFullDisk_keepsTheSetsInMemory_warnsOnce_andWritesOnceSpaceReturns() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("tmpfs"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        assumeThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mount -t tmpfs (needs root)").isTrue();
        try {
            Path credentials = Files.writeString(mount.resolve("credentials"), "[keep]\nregion = eu-west-1\n");
            StringWriter err = new StringWriter();
            Output output = Output.to(new PrintWriter(new StringWriter()), new PrintWriter(err, true), false);
            CredentialsFileEditor editor = CredentialsFileEditor.builder().file(credentials).build();
            editor.checkWritable();
            Path filler = mount.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block); // until ENOSPC
                }
            } catch (java.io.IOException full) {
                assertThat(full.getMessage()).containsIgnoringCase("no space left");
            }
            try (RetryingSectionWriter writer = new RetryingSectionWriter(editor, "sts-", output, "keep-fresh")) {
                writer.write(List.of(set("ops0", 1)));
                writer.write(List.of(set("ops1", 2)));
                assertThat(writer.hasPending()).isTrue();
                assertThat(err.toString()).contains("no space left on device").contains("stay in memory");
                assertThat(err.toString().split("no space left", -1)).as("one warning per streak").hasSize(2);
                assertThat(Files.readString(credentials)).isEqualTo("[keep]\nregion = eu-west-1\n");

                Files.delete(filler); // space returns
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (writer.hasPending() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(writer.hasPending()).isFalse();
                assertThat(Files.readString(credentials)).contains("[keep]").contains("[sts-ops0]").contains("[sts-ops1]");
                assertThat(err.toString()).contains("writing works again");
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static RoleCredentials set(String profile, int n) {
        Instant now = Instant.now();
        TemporaryCredentials c = TemporaryCredentials.of("ASIAFULLDISKTEST000" + n, "fullDiskSecret/doNotUse+00000000000000" + n,
                "fullDiskToken" + n, now, now.plusSeconds(3600));
        return new RoleCredentials(profile, "arn:aws:iam::111111111111:role/R" + n, null, c);
    }
}
