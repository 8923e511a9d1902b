package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real process's warnings on stderr: lines in stsfleet's voice, each problem named once. */
class WarningLinesProcessTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    @Test
    void warnings_areStsfleetLines_andAProfileNameTheSdkDrops_isNamedOnce() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, false);
        StsSandbox sandbox = sts.start(fleet.model());
        String config = Files.readString(fleet.config());
        Files.writeString(fleet.config(), config + "\n[profile my prod]\nrole_arn = arn:aws:iam::222222222222:role/X\n"
                + "source_profile = " + Fleets.SOURCE + "\n");
        int line = (int) (config + "\n").lines().count() + 1;
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("STSFLEET_HOME", Files.writeString(dir.resolve("a-file"), "").toString()); // not a directory
        List<String> command = new ArrayList<>(Processes.stsfleet());
        command.addAll(List.of("env", "ops0"));

        Processes.Run r = Processes.run(dir, env, command);

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> err = r.err().lines().toList();
        assertThat(err).as(r.toString()).filteredOn(l -> l.contains("my prod")).containsExactly(
                "stsfleet: warning: profile 'my prod' on line " + line + " of " + fleet.config() + " is not read: the "
                        + "AWS SDK takes only names of letters, digits and - / . % @ _ : + (rename it to use it here)");
        assertThat(err).as(r.toString()).anyMatch(l -> l.startsWith("stsfleet: warning: the credential cache cannot be used"))
                .noneMatch(l -> l.startsWith("WARN") || l.contains("Ignoring profile"));
    }
}
