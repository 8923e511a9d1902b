package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memo's fingerprints must be what the {@code cksum} the launcher runs prints, byte for byte. */
class PosixCksumTest {
    @TempDir
    Path dir;

    @Test
    void matchesCoreutilsCksum_onEmpty_small_andLargeContent() throws Exception {
        Random random = new Random(42);
        List<Path> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        int[] sizes = {0, 1, 2, 3, 255, 256, 257, 1000, 65535, 65536, 70001, 300_000};
        for (int i = 0; i < sizes.length; i++) {
            byte[] content = new byte[sizes[i]];
            random.nextBytes(content);
            Path f = Files.write(dir.resolve("f" + i), content);
            files.add(f);
            expected.add(PosixCksum.of(content) + " " + content.length + " " + f);
        }
        List<String> command = new ArrayList<>(List.of("cksum", "--"));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.lines().toList()).containsExactlyElementsOf(expected);
        assertThat(PosixCksum.of(new byte[0])).isEqualTo(4294967295L); // cksum </dev/null
    }

    @Test
    void fingerprint_isTheChecksumAndSize_orAbsent() throws Exception {
        Path f = Files.writeString(dir.resolve("config"), "[profile a]\n");
        assertThat(FastPath.fingerprint(f)).isEqualTo(PosixCksum.of(Files.readAllBytes(f)) + " 12");
        assertThat(FastPath.fingerprint(dir.resolve("missing"))).isEqualTo("absent");
    }
}
