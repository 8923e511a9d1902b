package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void write_newFile_hasContentAndMode0600() throws Exception {
        Path target = dir.resolve("f");
        AtomicFiles.write(target, "hello\n");

        assertThat(target).hasContent("hello");
        assertThat(Files.readString(target)).isEqualTo("hello\n");
        assertThat(Modes.of(target)).isEqualTo("0600");
        assertThat(siblings()).containsExactly("f");
    }

    @Test
    void write_createsMissingParents_withMode0700() throws Exception {
        Path target = dir.resolve("a/b/f");
        AtomicFiles.write(target, new byte[] {1, 2, 3});

        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        assertThat(Modes.of(dir.resolve("a"))).isEqualTo("0700");
        assertThat(Modes.of(dir.resolve("a/b"))).isEqualTo("0700");
        assertThat(Modes.of(target)).isEqualTo("0600");
    }

    @Test
    void write_replacesAnExistingFile_andTightensItsMode() throws Exception {
        Path target = dir.resolve("f");
        Files.writeString(target, "old");
        Modes.set(target, "rw-r--r--");

        AtomicFiles.write(target, "new");

        assertThat(target).hasContent("new");
        assertThat(Modes.of(target)).isEqualTo("0600");
    }

    @Test
    void write_theTempFileIs0600WhileBeingWritten_inTheTargetsDirectory() throws Exception {
        Path target = dir.resolve("f");
        List<String> seen = new ArrayList<>();
        AtomicFiles.write(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(p -> seen.add(p.getFileName() + " " + Modes.of(p)));
            }
        });

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).matches("\\.f\\..*\\.tmp 0600");
    }

    @Test
    void crashMidWrite_leavesTargetUnchanged_andNoTempFile() throws Exception {
        Path target = dir.resolve("f");
        Files.writeString(target, "original content");
        Modes.set(target, "rw-------");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(IOException.class).hasMessage("disk full (simulated)");

        assertThat(target).hasContent("original content");
        assertThat(siblings()).containsExactly("f");
    }

    @Test
    void runtimeFailureMidWrite_leavesTargetUnchanged_andNoTempFile() throws Exception {
        Path target = dir.resolve("f");
        Files.writeString(target, "original content");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IllegalStateException("crash");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(target).hasContent("original content");
        assertThat(siblings()).containsExactly("f");
    }

    @Test
    void failedRename_removesTheTempFile() throws Exception {
        Path target = dir.resolve("busy");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x");

        assertThatThrownBy(() -> AtomicFiles.write(target, "data")).isInstanceOf(IOException.class);

        assertThat(siblings()).containsExactly("busy");
        assertThat(target.resolve("inside")).hasContent("x");
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
