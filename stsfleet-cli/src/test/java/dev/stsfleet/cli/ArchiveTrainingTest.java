package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload bin/stsfleet records its class archive from, run as the launcher runs it. */
class ArchiveTrainingTest {
    @TempDir
    Path dir;

    @Test
    void theTrainingRunsEveryStepAgainstItsOwnSandbox_printsNothing_andLeavesNothingBehind() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> command = List.of(Processes.JAVA.toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), ArchiveTraining.class.getName());

        Processes.Run run = Processes.run(dir, Map.of("HOME", home.toString()), command);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
        try (Stream<Path> left = Files.list(tmp); Stream<Path> inHome = Files.list(home)) {
            assertThat(left).as("the training's AWS files and state are removed").isEmpty();
            assertThat(inHome).as("nothing of HOME is touched").isEmpty();
        }
    }
}
