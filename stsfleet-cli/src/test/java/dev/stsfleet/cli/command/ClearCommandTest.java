package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet clear}: forgets cached MFA sessions, role credentials and memos, by profile or all; no call. */
class ClearCommandTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;

    @Test
    void clearByProfile_thenAll_forgetsExactlyThat_andTheNextCommandMakesItAgain() throws Exception {
        Fleets fleet = Fleets.create(dir, 2, 0, 1, true);
        StsSandbox sandbox = sts.start(fleet.model());
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        ok(Cli.run(env, "env", "ops0", "--mfa-code", sandbox.totp(Fleets.MFA)));
        ok(Cli.run(env, "env", "ops1"));
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(2);
        assertThat(jsonFiles("cache/credentials")).hasSize(2);
        assertThat(jsonFiles("cache/session-tokens")).hasSize(1);
        assertThat(files("cache/answers")).isNotEmpty();

        // A role profile: its cached credentials (and every memo); the session and the other role stay.
        Cli.Result role = Cli.run(env, "clear", "ops0");
        ok(role);
        assertThat(role.err()).contains("forgot 0 MFA sessions and 1 cached role credential set; removed ");
        assertThat(jsonFiles("cache/credentials")).singleElement().satisfies(f -> assertThat(f).startsWith("ops1-"));
        assertThat(files("cache/answers")).isEmpty();
        ok(Cli.run(env, "env", "ops1"));
        assertThat(sandbox.stats().total("AssumeRole")).as("ops1 still cached").isEqualTo(2);
        ok(Cli.run(env, "env", "ops0"));
        assertThat(sandbox.stats().total("AssumeRole")).as("ops0 assumed again, with the cached session").isEqualTo(3);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);

        // The source profile: its MFA session; a role not cached now needs a code again.
        Cli.Result source = Cli.run(env, "clear", Fleets.SOURCE);
        ok(source);
        assertThat(source.err()).contains("forgot 1 MFA session and 0 cached role credential sets");
        Cli.Result needsCode = Cli.run(env, "env", "ops0", "--no-cache");
        assertThat(needsCode.exit()).isEqualTo(2);
        assertThat(needsCode.err()).contains("an MFA code is needed");

        // Everything.
        Cli.Result all = Cli.run(env, "clear", "--all");
        ok(all);
        assertThat(all.err()).contains("forgot 0 MFA sessions and 2 cached role credential sets");
        assertThat(jsonFiles("cache/credentials")).isEmpty();
        assertThat(jsonFiles("cache/session-tokens")).isEmpty();
        assertThat(files("cache/answers")).isEmpty();
        Cli.Result nothing = Cli.run(env, "clear", "nosuch");
        ok(nothing);
        assertThat(nothing.err()).contains("nothing was cached for profile nosuch");
        assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(3);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().total("GetCallerIdentity")).isZero();
    }

    @Test
    void badUsage_isOneLine_exit2_andDeletesNothing() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 0, 1, false);
        StsSandbox sandbox = sts.start(fleet.model());
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        ok(Cli.run(env, "env", "ops0"));

        for (Cli.Result r : List.of(Cli.run(env, "clear"), Cli.run(env, "clear", "--all", "ops0"),
                Cli.run(env, "clear", "--all", "--region", "eu-west-1"))) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).startsWith("stsfleet: error: ").hasLineCount(1);
        }
        assertThat(jsonFiles("cache/credentials")).hasSize(1);

        Path none = dir.resolve("no-state-here");
        Cli.Result nothing = Cli.run(env, "clear", "--all", "--cache-dir", none.toString());
        assertThat(nothing.exit()).as(nothing.toString()).isZero();
        assertThat(nothing.err()).contains("nothing is cached: there is no state directory at " + none);
        assertThat(none).as("not created").doesNotExist();
    }

    private static void ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    private List<String> jsonFiles(String sub) throws IOException {
        return files(sub).stream().filter(f -> f.endsWith(".json")).toList();
    }

    private List<String> files(String sub) throws IOException {
        Path d = dir.resolve(".stsfleet").resolve(sub);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> !f.endsWith(".lock")).sorted().toList();
        }
    }
}
