import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.format.CredentialsSection;
import dev.stsfleet.store.CredentialsFileEditor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The credentials-file editor at scale (issue 13), one measurement per JVM so peak RSS is its own:
 * {@code EditorBench all FILE N} writes N sections in one upsert; {@code EditorBench one FILE} replaces
 * one section of FILE. Prints {@code seconds=...}; the script adds the peak RSS.
 */
public final class EditorBench {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        Instant now = Instant.now();
        List<CredentialsSection> sections = new ArrayList<>();
        int n = args[0].equals("all") ? Integer.parseInt(args[2]) : 1;
        for (int i = 0; i < n; i++) {
            // Sizes like STS's: 20-char key id, 40-char secret, a ~350-char session token.
            String id = String.format("%05d", args[0].equals("all") ? i : 1);
            TemporaryCredentials c = TemporaryCredentials.of("ASIABENCH0000" + id + "XX",
                    "benchSecret/doNotUse+000000000000000" + id, "FwoGZXIvYXdzE" + "x".repeat(340) + id,
                    now, now.plusSeconds(3600));
            sections.add(CredentialsSection.of("sts-p" + id, c));
        }
        CredentialsFileEditor editor = CredentialsFileEditor.builder().file(file).build();
        long t0 = System.nanoTime();
        editor.upsert(sections);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("seconds=%.3f bytes=%d%n", seconds, Files.size(file));
    }
}
